package dev.dbpromote.migrate.lint;

import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The database the linted migrations will run on, as lint needs to know it: which tables exist, their
 * columns, whether they hold rows and how many. With one, a drop or a NOT NULL on a table that is empty
 * (or does not exist yet) there is not an error, and findings on tables with rows say how many.
 *
 * <pre>{@code
 * try (LintTarget db = LintTarget.connect(spec)) {
 *     LintReport r = new Linter(allow).lint(pendingFiles, db);
 * }
 * }</pre>
 */
public interface LintTarget extends AutoCloseable {

    /** A column as the database has it. */
    record ColumnFacts(String name, SqlType type, boolean nullable, boolean autoIncrement) {
    }

    /** A table as the database has it. @param columns by lower-case name */
    record TableFacts(String name, Map<String, ColumnFacts> columns) {
    }

    /** {@code user@host:port/db}, for messages. */
    String describe();

    /** The table, or null when it does not exist there. */
    TableFacts table(String name);

    /** Exact row count for small tables, InnoDB's estimate (prefixed {@code ~} by {@link #rowsText}) for large ones. */
    long rows(String table);

    /** Data and index bytes. */
    long bytes(String table);

    /** Rows whose value of {@code column} would not fit {@code to}; -1 when lint cannot tell. */
    long rowsNotFitting(String table, String column, SqlType from, SqlType to);

    /** Rows where {@code column} is NULL; -1 when lint cannot tell. */
    long nullRows(String table, String column);

    @Override
    void close();

    /** "1,234 rows (12.3 MB)". */
    default String rowsText(String table) {
        long rows = rows(table);
        return String.format(Locale.ROOT, "%s%,d row(s), %s", rows >= JdbcTarget.EXACT_BELOW ? "~" : "", rows,
                dev.dbpromote.migrate.Sizes.human(bytes(table)));
    }

    /** Reads the schema of {@code spec}'s database (two information_schema queries); counts rows as findings need them. */
    static LintTarget connect(ConnectionSpec spec) {
        Connection c = Jdbc.open(spec);
        try {
            return new JdbcTarget(spec.describe(), c);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
            throw Jdbc.translate(spec, e);
        }
    }

    /** The target read from an open connection. */
    final class JdbcTarget implements LintTarget {

        /** Below this many rows (InnoDB's estimate) the count is exact: cheap, and "empty" must never be a guess. */
        static final long EXACT_BELOW = 200_000;

        private final String describe;
        private final Connection connection;
        private final Map<String, TableFacts> tables = new HashMap<>();
        private final Map<String, long[]> sizes = new HashMap<>();
        private final Map<String, Long> exactRows = new HashMap<>();

        JdbcTarget(String describe, Connection connection) throws SQLException {
            this.describe = describe;
            this.connection = connection;
            DatabaseMetaData md = connection.getMetaData();
            if (md.getDatabaseMajorVersion() >= 8 && !Jdbc.isMariaDb(md.getDatabaseProductVersion())) {
                try (Statement s = connection.createStatement()) {
                    s.execute("SET SESSION information_schema_stats_expiry = 0"); // MySQL 8 caches TABLE_ROWS for a day
                }
            }
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT TABLE_NAME, TABLE_ROWS,"
                    + " DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    tables.put(key(name), new TableFacts(name, new LinkedHashMap<>()));
                    sizes.put(key(name), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE,"
                    + " IS_NULLABLE, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
                while (rs.next()) {
                    TableFacts t = tables.get(key(rs.getString(1)));
                    if (t != null) {
                        String column = rs.getString(2);
                        t.columns().put(key(column), new ColumnFacts(column, type(rs.getString(3)), "YES".equals(rs.getString(4)),
                                rs.getString(5) != null && rs.getString(5).toLowerCase(Locale.ROOT).contains("auto_increment")));
                    }
                }
            }
        }

        private static SqlType type(String columnType) {
            try {
                return SqlType.read(new Ddl.Cursor(Ddl.Token.scan(columnType)));
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String key(String name) {
            return name.toLowerCase(Locale.ROOT);
        }

        @Override
        public String describe() {
            return describe;
        }

        @Override
        public TableFacts table(String name) {
            return tables.get(key(name));
        }

        @Override
        public long rows(String table) {
            long[] size = sizes.get(key(table));
            if (size == null) {
                return 0;
            }
            if (size[0] >= EXACT_BELOW) {
                return size[0];
            }
            return exactRows.computeIfAbsent(key(table), k -> count("SELECT COUNT(*) FROM " + quote(table(table).name()), size[0]));
        }

        @Override
        public long bytes(String table) {
            long[] size = sizes.get(key(table));
            return size == null ? 0 : size[1];
        }

        @Override
        public long rowsNotFitting(String table, String column, SqlType from, SqlType to) {
            TableFacts t = table(table);
            if (t == null) {
                return 0;
            }
            String c = quote(column);
            String condition;
            if (from.isInteger() && to.isInteger()) {
                condition = c + " < " + to.intMin() + " OR " + c + " > " + to.intMax();
            } else if (from.isDecimal() && to.isDecimal() || from.isInteger() && to.isDecimal()) {
                long p = to.args().get(0);
                long s = to.args().get(1);
                condition = "ABS(" + c + ") >= POW(10, " + (p - s) + ")" + (from.isDecimal() ? " OR " + c + " <> ROUND(" + c + ", " + s + ")" : "");
            } else if ((from.isString() || from.isBinary()) && (to.isString() || to.isBinary()) && to.capacity() >= 0) {
                condition = (to.capacityInBytes() ? "LENGTH(" : "CHAR_LENGTH(") + c + ") > " + to.capacity();
            } else if ((from.isString() || from.isBinary()) && (to.isInteger() || to.isDecimal())) {
                condition = c + " NOT REGEXP '^[[:space:]]*[-+]?[0-9]+([.][0-9]+)?[[:space:]]*$'";
            } else if (to.isString() && to.capacity() >= 0) {
                condition = "CHAR_LENGTH(CAST(" + c + " AS CHAR)) > " + to.capacity();
            } else {
                return -1;
            }
            return count("SELECT COUNT(*) FROM " + quote(t.name()) + " WHERE " + c + " IS NOT NULL AND (" + condition + ")", -1);
        }

        @Override
        public long nullRows(String table, String column) {
            TableFacts t = table(table);
            return t == null ? 0 : count("SELECT COUNT(*) FROM " + quote(t.name()) + " WHERE " + quote(column) + " IS NULL", -1);
        }

        private long count(String sql, long otherwise) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : otherwise;
            } catch (SQLException e) {
                return otherwise; // e.g. the column is not there yet: the finding says "cannot tell"
            }
        }

        private static String quote(String name) {
            return "`" + name.replace("`", "``") + "`";
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing to do: lint only read
            }
        }
    }
}
