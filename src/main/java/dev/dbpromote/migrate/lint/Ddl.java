package dev.dbpromote.migrate.lint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the MySQL/MariaDB DDL lint cares about clause by clause: CREATE/DROP/TRUNCATE/RENAME TABLE,
 * CREATE INDEX, ALTER TABLE with its comma-separated clauses, and UPDATE … SET … WHERE (for the
 * backfill-then-NOT NULL pattern). Written on tokens rather than a grammar so MySQL-only syntax (a
 * table option, a partition clause, an index hint) never hides the part that matters: which tables and
 * columns are created, changed and dropped. JSqlParser 5.3 cannot parse some common MySQL DDL (an unnamed
 * {@code KEY (…)} after a {@code COLLATE} column, {@code ADD UNIQUE name (…)}; 12 of 215 statements of the
 * sets measured in README), and whether a table counts as new must not depend on it.
 */
final class Ddl {

    /** What a statement does to the schema, as far as lint is concerned. */
    sealed interface Change permits CreateTable, DropTables, Truncate, RenameTables, CreateIndex, AlterTable, Update, Other {
    }

    /** @param columns null when the definition is LIKE / AS SELECT (columns unknown) */
    record CreateTable(String table, List<Column> columns, boolean hasPrimaryKey, boolean ifNotExists) implements Change {
    }

    record DropTables(List<String> tables, boolean ifExists) implements Change {
    }

    record Truncate(String table) implements Change {
    }

    record RenameTables(List<String[]> pairs) implements Change {
    }

    record CreateIndex(String table, boolean unique) implements Change {
    }

    record AlterTable(String table, List<Clause> clauses) implements Change {
    }

    /** @param where the WHERE condition as text, or null when the update has none */
    record Update(String table, List<String> columns, String where) implements Change {
    }

    /** Anything else. @param ddl a statement that looks like table DDL but could not be read */
    record Other(boolean ddl) implements Change {
    }

    /** One clause of an ALTER TABLE. */
    sealed interface Clause permits AddColumn, DropColumn, ModifyColumn, RenameColumn, RenameTo, AddIndex, AddPrimaryKey,
            DropPrimaryKey, RenameIndex, Rebuild, OtherClause, Unreadable {
    }

    /** A clause the reader could not follow: lint warns and applies keyword checks to its text. */
    record Unreadable(String text) implements Clause {
    }

    record AddColumn(Column column, boolean positioned) implements Clause {
    }

    record DropColumn(String column) implements Clause {
    }

    /** MODIFY (oldName equals the column's name) or CHANGE old new. */
    record ModifyColumn(String oldName, Column column) implements Clause {
    }

    record RenameColumn(String oldName, String newName) implements Clause {
    }

    record RenameTo(String newName) implements Clause {
    }

    record AddIndex(boolean unique) implements Clause {
    }

    record AddPrimaryKey() implements Clause {
    }

    record DropPrimaryKey() implements Clause {
    }

    record RenameIndex(String oldName, String newName) implements Clause {
    }

    /** CONVERT TO CHARACTER SET, ENGINE=, FORCE, ALGORITHM=COPY: the table is rebuilt. */
    record Rebuild(String what) implements Clause {
    }

    record OtherClause() implements Clause {
    }

    /**
     * A column definition.
     *
     * @param type normalized, e.g. {@code VARCHAR(255)}, {@code INT UNSIGNED}, {@code DECIMAL(12,2)}
     * @param notNull declared NOT NULL (or part of a column-level PRIMARY KEY)
     */
    record Column(String name, SqlType type, boolean notNull, boolean hasDefault, boolean autoIncrement, boolean generated,
            boolean primaryKey, boolean charset) {
    }

    private Ddl() {
    }

    static Change read(String sql) {
        List<Token> t;
        try {
            t = Token.scan(sql);
        } catch (RuntimeException e) {
            return new Other(false);
        }
        if (t.isEmpty()) {
            return new Other(false);
        }
        try {
            Cursor c = new Cursor(t);
            return statement(c);
        } catch (RuntimeException e) {
            return new Other(looksLikeTableDdl(t));
        }
    }

    private static boolean looksLikeTableDdl(List<Token> t) {
        String first = t.get(0).upper();
        boolean table = t.stream().limit(6).anyMatch(x -> x.is("TABLE"));
        return (first.equals("ALTER") || first.equals("CREATE") || first.equals("DROP") || first.equals("RENAME")) && table;
    }

    private static Change statement(Cursor c) {
        if (c.accept("CREATE")) {
            c.accept("OR");
            c.accept("REPLACE");
            c.accept("TEMPORARY");
            if (c.accept("TABLE")) {
                return createTable(c);
            }
            boolean unique = c.accept("UNIQUE");
            c.accept("FULLTEXT");
            c.accept("SPATIAL");
            if (c.accept("INDEX") || c.accept("KEY")) {
                c.accept("IF");
                c.accept("NOT");
                c.accept("EXISTS");
                c.name();
                c.skipUntilWord("ON");
                c.expect("ON");
                return new CreateIndex(c.name(), unique);
            }
            return new Other(false);
        }
        if (c.accept("DROP")) {
            c.accept("TEMPORARY");
            if (!c.accept("TABLE") && !c.accept("TABLES")) {
                return new Other(false);
            }
            boolean ifExists = c.accept("IF") && c.accept("EXISTS");
            List<String> tables = new ArrayList<>();
            tables.add(c.name());
            while (c.acceptSymbol(",")) {
                tables.add(c.name());
            }
            return new DropTables(tables, ifExists);
        }
        if (c.accept("TRUNCATE")) {
            c.accept("TABLE");
            return new Truncate(c.name());
        }
        if (c.accept("RENAME")) {
            if (!c.accept("TABLE") && !c.accept("TABLES")) {
                return new Other(false);
            }
            List<String[]> pairs = new ArrayList<>();
            do {
                String from = c.name();
                c.expect("TO");
                pairs.add(new String[] {from, c.name()});
            } while (c.acceptSymbol(","));
            return new RenameTables(pairs);
        }
        if (c.accept("ALTER")) {
            c.accept("ONLINE");
            c.accept("IGNORE");
            if (!c.accept("TABLE")) {
                return new Other(false);
            }
            c.accept("IF");
            c.accept("EXISTS");
            String table = c.name();
            List<Clause> clauses = new ArrayList<>();
            for (List<Token> item : c.restSplitByComma()) {
                try {
                    clauses.addAll(clause(new Cursor(item)));
                } catch (RuntimeException e) {
                    clauses.add(new Unreadable(Token.text(item)));
                }
            }
            return new AlterTable(table, clauses);
        }
        if (c.accept("UPDATE")) {
            c.accept("LOW_PRIORITY");
            c.accept("IGNORE");
            String table = c.name();
            if (!c.accept("SET")) {
                return new Other(false); // multi-table UPDATE: not the backfill pattern
            }
            List<String> columns = new ArrayList<>();
            List<Token> rest = c.rest();
            int where = -1;
            for (int i = 0, depth = 0; i < rest.size(); i++) {
                Token k = rest.get(i);
                depth += k.depthChange();
                if (depth == 0 && k.is("WHERE")) {
                    where = i;
                    break;
                }
            }
            List<Token> sets = where < 0 ? rest : rest.subList(0, where);
            for (List<Token> assignment : Cursor.splitByComma(sets)) {
                if (assignment.size() >= 2 && assignment.get(1).isSymbol("=")) {
                    columns.add(assignment.get(0).name());
                } else if (assignment.size() >= 4 && assignment.get(1).isSymbol(".") && assignment.get(3).isSymbol("=")) {
                    columns.add(assignment.get(2).name());
                }
            }
            String condition = where < 0 ? null : Token.text(rest.subList(where + 1, rest.size()));
            return new Update(table, columns, condition);
        }
        return new Other(false);
    }

    private static Change createTable(Cursor c) {
        boolean ifNotExists = c.accept("IF") && c.accept("NOT") && c.accept("EXISTS");
        String table = c.name();
        if (c.accept("LIKE") || !c.peekSymbol("(")) {
            return new CreateTable(table, null, true, ifNotExists);
        }
        List<Token> body = c.parenthesized();
        if (c.rest().stream().anyMatch(k -> k.is("SELECT"))) {
            return new CreateTable(table, null, true, ifNotExists);
        }
        List<Column> columns = new ArrayList<>();
        boolean pk = false;
        for (List<Token> item : Cursor.splitByComma(body)) {
            if (item.isEmpty()) {
                continue;
            }
            Token first = item.get(0);
            if (!first.quoted() && (first.is("PRIMARY") || first.is("CONSTRAINT") && item.stream().anyMatch(k -> k.is("PRIMARY")))) {
                pk = true;
            } else if (first.quoted() || !isIndexKeyword(first)) {
                Column col = column(new Cursor(item));
                pk |= col.primaryKey();
                columns.add(col);
            }
        }
        return new CreateTable(table, columns, pk, ifNotExists);
    }

    private static boolean isIndexKeyword(Token t) {
        return switch (t.upper()) {
            case "PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK", "PERIOD" -> true;
            default -> false;
        };
    }

    private static List<Clause> clause(Cursor c) {
        if (c.accept("ADD")) {
            if (c.accept("COLUMN")) {
                return addColumns(c);
            }
            if (c.peekSymbol("(")) {
                return addColumns(c);
            }
            if (c.peek() != null && !c.peek().quoted() && isIndexKeyword(c.peek())) {
                if (c.accept("CONSTRAINT") && !c.peekWord("PRIMARY") && !c.peekWord("UNIQUE") && !c.peekWord("FOREIGN")
                        && !c.peekWord("CHECK")) {
                    c.name();
                }
                if (c.accept("PRIMARY")) {
                    return List.of(new AddPrimaryKey());
                }
                return List.of(new AddIndex(c.accept("UNIQUE")));
            }
            return addColumns(c);
        }
        return List.of(otherClause(c));
    }

    private static Clause otherClause(Cursor c) {
        if (c.accept("DROP")) {
            if (c.accept("PRIMARY")) {
                return new DropPrimaryKey();
            }
            if (c.accept("COLUMN")) {
                c.accept("IF");
                c.accept("EXISTS");
                return new DropColumn(c.name());
            }
            Token next = c.peek();
            if (next == null || !next.quoted() && switch (next.upper()) {
                case "INDEX", "KEY", "FOREIGN", "CONSTRAINT", "CHECK", "PARTITION", "DEFAULT", "SYSTEM" -> true;
                default -> false;
            }) {
                return new OtherClause();
            }
            c.accept("IF");
            c.accept("EXISTS");
            return new DropColumn(c.name());
        }
        if (c.accept("MODIFY")) {
            c.accept("COLUMN");
            c.accept("IF");
            c.accept("EXISTS");
            Column col = column(c);
            return new ModifyColumn(col.name(), col);
        }
        if (c.accept("CHANGE")) {
            c.accept("COLUMN");
            c.accept("IF");
            c.accept("EXISTS");
            String old = c.name();
            return new ModifyColumn(old, column(c));
        }
        if (c.accept("RENAME")) {
            if (c.accept("COLUMN")) {
                String old = c.name();
                c.expect("TO");
                return new RenameColumn(old, c.name());
            }
            if (c.accept("INDEX") || c.accept("KEY")) {
                String old = c.name();
                c.expect("TO");
                return new RenameIndex(old, c.name());
            }
            if (!c.accept("TO")) {
                c.accept("AS");
            }
            return new RenameTo(c.name());
        }
        if (c.accept("CONVERT")) {
            return new Rebuild("CONVERT TO CHARACTER SET");
        }
        if (c.accept("FORCE")) {
            return new Rebuild("FORCE");
        }
        if (c.accept("ENGINE")) {
            return new Rebuild("ENGINE");
        }
        if (c.accept("ALGORITHM")) {
            c.acceptSymbol("=");
            return c.accept("COPY") ? new Rebuild("ALGORITHM=COPY") : new OtherClause();
        }
        return new OtherClause();
    }

    /** {@code ADD [COLUMN] [IF NOT EXISTS] c type …} or {@code ADD [COLUMN] (c1 type, c2 type)}. */
    private static List<Clause> addColumns(Cursor c) {
        if (c.accept("IF")) {
            c.expect("NOT");
            c.expect("EXISTS");
        }
        if (c.peekSymbol("(")) {
            List<Clause> out = new ArrayList<>();
            for (List<Token> def : Cursor.splitByComma(c.parenthesized())) {
                out.add(new AddColumn(column(new Cursor(def)), false));
            }
            return out;
        }
        Column col = column(c);
        List<Token> rest = c.rest();
        boolean positioned = rest.stream().anyMatch(k -> k.is("AFTER") || k.is("FIRST"));
        return List.of(new AddColumn(col, positioned));
    }

    private static Column column(Cursor c) {
        String name = c.name();
        SqlType type = SqlType.read(c);
        boolean notNull = false;
        boolean hasDefault = false;
        boolean autoIncrement = false;
        boolean generated = false;
        boolean pk = false;
        boolean charset = false;
        List<Token> rest = c.restKeepingPosition();
        for (int i = 0, depth = 0; i < rest.size(); i++) {
            Token k = rest.get(i);
            if (depth == 0 && !k.quoted()) {
                switch (k.upper()) {
                    case "NOT" -> notNull |= i + 1 < rest.size() && rest.get(i + 1).is("NULL");
                    case "DEFAULT" -> hasDefault = true;
                    case "AUTO_INCREMENT", "SERIAL" -> autoIncrement = true;
                    case "GENERATED", "AS" -> generated = true;
                    case "PRIMARY" -> pk = true;
                    case "CHARACTER", "CHARSET", "COLLATE" -> charset = true;
                    case "COMMENT", "AFTER" -> i++; // skip the string / column name after it
                    default -> {
                    }
                }
            }
            depth += k.depthChange();
        }
        return new Column(name, type, notNull || pk, hasDefault, autoIncrement, generated, pk, charset);
    }

    /** Tokens of one statement with a read position. */
    static final class Cursor {
        private final List<Token> tokens;
        private int pos;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        Token peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        Token next() {
            if (pos >= tokens.size()) {
                throw new IllegalStateException("unexpected end");
            }
            return tokens.get(pos++);
        }

        boolean peekWord(String word) {
            Token t = peek();
            return t != null && t.is(word);
        }

        boolean peekSymbol(String s) {
            Token t = peek();
            return t != null && t.isSymbol(s);
        }

        boolean accept(String word) {
            if (peekWord(word)) {
                pos++;
                return true;
            }
            return false;
        }

        boolean acceptSymbol(String s) {
            if (peekSymbol(s)) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String word) {
            if (!accept(word)) {
                throw new IllegalStateException("expected " + word);
            }
        }

        void skipUntilWord(String word) {
            while (peek() != null && !peekWord(word)) {
                pos++;
            }
        }

        /** An identifier, possibly qualified ({@code db.t}): the last part, unquoted. */
        String name() {
            Token t = next();
            if (t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.QUOTED) {
                throw new IllegalStateException("expected a name");
            }
            String name = t.name();
            while (peekSymbol(".")) {
                pos++;
                name = next().name();
            }
            return name;
        }

        /** The tokens inside the parentheses that start here (the cursor moves past the closing one). */
        List<Token> parenthesized() {
            if (!acceptSymbol("(")) {
                throw new IllegalStateException("expected (");
            }
            int start = pos;
            int depth = 1;
            while (pos < tokens.size()) {
                depth += tokens.get(pos).depthChange();
                if (depth == 0) {
                    return tokens.subList(start, pos++);
                }
                pos++;
            }
            throw new IllegalStateException("unbalanced parentheses");
        }

        List<Token> rest() {
            List<Token> r = tokens.subList(pos, tokens.size());
            pos = tokens.size();
            return r;
        }

        List<Token> restKeepingPosition() {
            return tokens.subList(pos, tokens.size());
        }

        List<List<Token>> restSplitByComma() {
            return splitByComma(rest());
        }

        static List<List<Token>> splitByComma(List<Token> tokens) {
            List<List<Token>> out = new ArrayList<>();
            int depth = 0;
            int start = 0;
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                depth += t.depthChange();
                if (depth == 0 && t.isSymbol(",")) {
                    out.add(tokens.subList(start, i));
                    start = i + 1;
                }
            }
            out.add(tokens.subList(start, tokens.size()));
            return out;
        }
    }

    /** A lexical token of MySQL SQL: comments dropped, {@code /*!…*}{@code /} version comments kept as code. */
    record Token(Kind kind, String text) {
        enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL }

        boolean is(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(String s) {
            return kind == Kind.SYMBOL && text.equals(s);
        }

        boolean quoted() {
            return kind == Kind.QUOTED;
        }

        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }

        String name() {
            return text;
        }

        int depthChange() {
            return isSymbol("(") ? 1 : isSymbol(")") ? -1 : 0;
        }

        static String text(List<Token> tokens) {
            StringBuilder b = new StringBuilder();
            for (Token t : tokens) {
                if (!b.isEmpty()) {
                    b.append(' ');
                }
                b.append(t.kind == Kind.STRING ? "'" + t.text + "'" : t.text);
            }
            return b.toString();
        }

        static List<Token> scan(String sql) {
            List<Token> out = new ArrayList<>();
            int n = sql.length();
            int i = 0;
            while (i < n) {
                char ch = sql.charAt(i);
                if (Character.isWhitespace(ch)) {
                    i++;
                } else if (ch == '#' || ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-'
                        && (i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2)))) {
                    while (i < n && sql.charAt(i) != '\n') {
                        i++;
                    }
                } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                    if (i + 2 < n && sql.charAt(i + 2) == '!') {
                        i += 3;
                        while (i < n && Character.isDigit(sql.charAt(i))) {
                            i++;
                        }
                    } else {
                        int end = sql.indexOf("*/", i + 2);
                        i = end < 0 ? n : end + 2;
                    }
                } else if (ch == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
                    i += 2; // the end of a /*! version comment
                } else if (ch == '`' || ch == '"') {
                    int end = closing(sql, i, ch);
                    out.add(new Token(ch == '`' ? Kind.QUOTED : Kind.STRING, sql.substring(i + 1, end).replace("" + ch + ch, "" + ch)));
                    i = end + 1;
                } else if (ch == '\'') {
                    int end = closing(sql, i, ch);
                    out.add(new Token(Kind.STRING, sql.substring(i + 1, end)));
                    i = end + 1;
                } else if (Character.isLetter(ch) || ch == '_' || ch == '$' || ch == '@') {
                    int s = i;
                    while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || "_$@".indexOf(sql.charAt(i)) >= 0)) {
                        i++;
                    }
                    out.add(new Token(Kind.WORD, sql.substring(s, i)));
                } else if (Character.isDigit(ch)) {
                    int s = i;
                    while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
                        i++;
                    }
                    // 1abc is a valid MySQL identifier; a plain number stays a number.
                    String text = sql.substring(s, i);
                    out.add(new Token(text.matches("[0-9.]+") ? Kind.NUMBER : Kind.WORD, text));
                } else {
                    out.add(new Token(Kind.SYMBOL, String.valueOf(ch)));
                    i++;
                }
            }
            return out;
        }

        private static int closing(String sql, int open, char quote) {
            int i = open + 1;
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (c == '\\' && quote == '\'') {
                    i += 2;
                } else if (c == quote) {
                    if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                        i += 2;
                    } else {
                        return i;
                    }
                } else {
                    i++;
                }
            }
            throw new IllegalStateException("unterminated quote");
        }
    }
}
