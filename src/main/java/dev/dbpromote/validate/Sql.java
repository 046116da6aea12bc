package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;

/** Identifier quoting. Values never go through here: they are bind parameters. */
final class Sql {

    private Sql() {
    }

    /**
     * A MySQL identifier in backticks, with backticks doubled. Names reach this only after they were
     * found in information_schema, so they are real names; this makes them safe whatever they contain.
     */
    static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.length() > 64 || identifier.indexOf('\0') >= 0) {
            throw DbPromoteException.invalid("'" + identifier + "' is not a usable MySQL identifier (1 to 64 characters, no NUL).");
        }
        return "`" + identifier.replace("`", "``") + "`";
    }

    static String table(String database, String table) {
        return quote(database) + "." + quote(table);
    }
}
