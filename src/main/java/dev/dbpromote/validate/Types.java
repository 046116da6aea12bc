package dev.dbpromote.validate;

import java.util.Locale;
import java.util.Map;

/**
 * Column type matching for {@code expect_column_values_to_be_of_type}. Accepts MySQL names ({@code int},
 * {@code varchar(255)}) and the SQLAlchemy names GX suites carry ({@code INTEGER}, {@code BOOLEAN}).
 * Server differences: MariaDB reports integer display widths ({@code int(11)}) that MySQL 8 dropped, and
 * MariaDB's JSON is LONGTEXT with a {@code json_valid} CHECK.
 */
final class Types {

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("integer", "int"), Map.entry("bool", "tinyint"), Map.entry("boolean", "tinyint"),
            Map.entry("numeric", "decimal"), Map.entry("dec", "decimal"), Map.entry("real", "double"),
            Map.entry("double precision", "double"), Map.entry("character varying", "varchar"),
            Map.entry("string", "varchar"), Map.entry("character", "char"), Map.entry("smallinteger", "smallint"),
            Map.entry("biginteger", "bigint"), Map.entry("float64", "double"), Map.entry("int64", "bigint"));

    private Types() {
    }

    static boolean matches(Schema.Column c, String expected) {
        String e = expected.strip().toLowerCase(Locale.ROOT);
        if (e.equals("json")) {
            return c.dataType().equals("json") || c.jsonCheck();
        }
        if (!ALIASES.containsKey(e) && (e.contains("(") || e.contains(" "))) {
            // A full column type ("decimal(10,2)", "bigint unsigned"): compare it whole, display widths aside.
            return normalise(c.columnType()).equals(normalise(e));
        }
        String base = ALIASES.getOrDefault(e, e);
        return c.dataType().equals(base);
    }

    static String describe(Schema.Column c) {
        return c.jsonCheck() ? "json" : normalise(c.columnType());
    }

    /** {@code int(11) unsigned} -> {@code int unsigned}: integer display widths mean nothing and MySQL 8 omits them. */
    static String normalise(String type) {
        String t = type.toLowerCase(Locale.ROOT).strip();
        String base = t.replaceAll("\\(.*", "");
        if (base.matches("tinyint|smallint|mediumint|int|integer|bigint") && !t.startsWith("tinyint(1)")) {
            t = t.replaceFirst("\\(\\d+\\)", "");
        }
        String head = t.replaceAll("[ (].*", "");
        return ALIASES.getOrDefault(head, head) + t.substring(head.length());
    }
}
