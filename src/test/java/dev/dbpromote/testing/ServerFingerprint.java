package dev.dbpromote.testing;

import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything a command could change on a MySQL/MariaDB server, as one text: every schema's
 * information_schema metadata (schemas, tables, columns, indexes, constraints, views, routines,
 * triggers, events), accounts and privileges, and a row checksum of every base table — across all
 * schemas on the server, not only the ones a test expects to be touched. Two fingerprints are equal
 * when nothing was created, dropped, altered, inserted, updated or deleted in between.
 *
 * <p>Left out on purpose, because the server changes them by itself: statistics (row estimates, data
 * length, index cardinality, update times) and the engine's own statistics and GTID tables.
 */
public final class ServerFingerprint {

    private static final String NOT_SYSTEM = " NOT IN ('information_schema', 'performance_schema', 'sys')";
    /** The mysql schema's account and privilege tables (MariaDB keeps accounts in global_priv, MySQL in user). */
    private static final Set<String> MYSQL_TABLES = Set.of("user", "global_priv", "db", "tables_priv", "columns_priv", "procs_priv",
            "proxies_priv", "roles_mapping", "role_edges", "default_roles", "password_history", "func", "servers");

    private static final String[] METADATA = {
        "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA ORDER BY 1",
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, ROW_FORMAT, AUTO_INCREMENT, TABLE_COLLATION, CREATE_OPTIONS,"
                + " TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2",
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE,"
                + " CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_KEY, EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2, 4",
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE"
                + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2, 3, 4",
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2, 3, 4",
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_SCHEMA,"
                + " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE CONSTRAINT_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2, 3, 5",
        "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE, REFERENCED_TABLE_NAME"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2",
        "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2",
        "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION, SECURITY_TYPE FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2, 3",
        "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING, ACTION_STATEMENT"
                + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2",
        "SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, STATUS FROM information_schema.EVENTS ORDER BY 1, 2",
        "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES ORDER BY 1, 2",
        "SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES ORDER BY 1, 2, 3",
        "SELECT GRANTEE, TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES ORDER BY 1, 2, 3, 4",
    };

    private ServerFingerprint() {
    }

    /** The fingerprint of every schema on {@code server}, read as root. */
    public static String of(DatabaseServer server) {
        StringBuilder out = new StringBuilder();
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement()) {
            try {
                s.execute("SET SESSION information_schema_stats_expiry = 0"); // MySQL 8 caches AUTO_INCREMENT otherwise
            } catch (SQLException mariaDbHasNoSuchVariable) {
                // MariaDB reads table metadata live
            }
            for (String q : METADATA) {
                out.append("## ").append(q, 0, q.indexOf(" FROM ")).append('\n');
                dump(s, q, out);
            }
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE"
                    + " IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_SCHEMA" + NOT_SYSTEM + " ORDER BY 1, 2")) {
                while (rs.next()) {
                    if (!rs.getString(1).equals("mysql") || MYSQL_TABLES.contains(rs.getString(2).toLowerCase())) {
                        tables.add("`" + rs.getString(1).replace("`", "``") + "`.`" + rs.getString(2).replace("`", "``") + "`");
                    }
                }
            }
            out.append("## CHECKSUM TABLE (rows)\n");
            for (String t : tables) {
                dump(s, "CHECKSUM TABLE " + t + " EXTENDED", out);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("fingerprint: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static void dump(Statement s, String sql, StringBuilder out) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.append('\n');
            }
        }
    }
}
