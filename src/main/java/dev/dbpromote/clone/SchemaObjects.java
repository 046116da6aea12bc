package dev.dbpromote.clone;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a schema holds, read from information_schema and the SHOW CREATE statements. */
record SchemaObjects(String charset, String collation, List<String> tables, List<Ddl> views, List<Ddl> routines,
        List<Ddl> triggers, Map<String, List<String>> columns) {

    record Ddl(String name, String sql, String sqlMode) {
    }

    List<String> insertableColumns(String table) {
        return columns.get(table);
    }

    static SchemaObjects read(Connection c, String schema, ConnectionSpec where) throws SQLException {
        String charset;
        String collation;
        try (PreparedStatement ps = c.prepareStatement("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
                + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw DbPromoteException.invalid("Source database '" + schema + "' does not exist on " + where.host() + ":"
                            + where.port() + ". Check source.database in dbpromote.yaml.");
                }
                charset = rs.getString(1);
                collation = rs.getString(2);
            }
        }
        List<String> tables = new ArrayList<>();
        List<String> views = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (rs.getString(2).equals("VIEW") ? views : tables).add(rs.getString(1));
                }
            }
        }
        Map<String, List<String>> columns = new HashMap<>();
        for (String t : tables) {
            columns.put(t, insertableColumns(c, schema, t));
        }
        List<Ddl> viewDdl = new ArrayList<>();
        for (String v : views) {
            viewDdl.add(show(c, "SHOW CREATE VIEW " + SchemaCopier.q(schema) + "." + SchemaCopier.q(v), v, 2, -1));
        }
        List<Ddl> routines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    routines.add(new Ddl(rs.getString(1), rs.getString(2), null));
                }
            }
        }
        List<Ddl> routineDdl = new ArrayList<>();
        for (Ddl r : routines) {
            // SHOW CREATE PROCEDURE: Procedure, sql_mode, Create Procedure, ...
            routineDdl.add(show(c, "SHOW CREATE " + r.sql() + " " + SchemaCopier.q(schema) + "." + SchemaCopier.q(r.name()),
                    r.name(), 3, 2));
        }
        List<Ddl> triggers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    triggers.add(show(c, "SHOW CREATE TRIGGER " + SchemaCopier.q(schema) + "." + SchemaCopier.q(rs.getString(1)),
                            rs.getString(1), 3, 2));
                }
            }
        }
        return new SchemaObjects(charset, collation, tables, viewDdl, routineDdl, triggers, columns);
    }

    private static Ddl show(Connection c, String sql, String name, int ddlColumn, int modeColumn) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next() || rs.getString(ddlColumn) == null) {
                throw DbPromoteException.external("'" + sql + "' returned no definition; the user needs SHOW VIEW /"
                        + " SELECT on mysql.proc (or to be the definer) to copy " + name + ".");
            }
            return new Ddl(name, rs.getString(ddlColumn), modeColumn > 0 ? rs.getString(modeColumn) : null);
        }
    }

    /** Columns a value can be inserted into: generated columns are computed by the server. */
    static List<String> insertableColumns(Connection c, String schema, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(2) == null ? "" : rs.getString(2).toUpperCase();
                    if (!extra.contains("GENERATED") && !extra.contains("VIRTUAL") && !extra.contains("PERSISTENT")) {
                        cols.add(rs.getString(1));
                    }
                }
            }
        }
        return cols;
    }
}
