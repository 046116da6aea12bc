package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a database has, read once from information_schema: tables, their columns in order with types,
 * primary keys; and which server it is (MariaDB and MySQL 8 differ in regex and JSON functions).
 */
record Schema(Server server, String database, Map<String, Table> tables) {

    /**
     * The server flavour. MariaDB: PCRE {@code REGEXP}, JSON is a LONGTEXT alias; MySQL 8: ICU {@code REGEXP_LIKE}.
     *
     * @param spaceClass MariaDB confirmed that {@code \s} can run as an explicit class ({@link PcreWhitespace})
     */
    record Server(boolean mariaDb, String version, boolean spaceClass) {
        Server(boolean mariaDb, String version) {
            this(mariaDb, version, false);
        }

        Server withSpaceClass(boolean confirmed) {
            return new Server(mariaDb, version, confirmed);
        }

        String describe() {
            return (mariaDb ? "MariaDB " : "MySQL ") + version;
        }
    }

    record Column(String name, String dataType, String columnType, boolean nullable, boolean jsonCheck) {
    }

    /**
     * @param uniqueKeys name and columns of every unique index (the primary key included)
     */
    record Table(String name, List<Column> columns, List<String> primaryKey, Map<String, List<String>> uniqueKeys, long estimatedRows,
            boolean view) {

        /** A unique index whose columns are all among {@code columns}: the database already guarantees they are unique. */
        Optional<String> uniqueIndexWithin(List<String> columns) {
            for (Map.Entry<String, List<String>> k : uniqueKeys.entrySet()) {
                if (k.getValue().stream().allMatch(c -> columns.stream().anyMatch(x -> x.equalsIgnoreCase(c)))) {
                    return Optional.of(k.getKey());
                }
            }
            return Optional.empty();
        }

        Optional<Column> column(String name) {
            for (Column c : columns) {
                if (c.name().equals(name)) {
                    return Optional.of(c);
                }
            }
            // MySQL column names are case-insensitive.
            return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
        }

        List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }
    }

    Schema withServer(Server s) {
        return new Schema(s, database, tables);
    }

    Optional<Table> table(String name) {
        Table t = tables.get(name);
        if (t != null) {
            return Optional.of(t);
        }
        return tables.values().stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst();
    }

    static Server server(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT VERSION()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            String v = rs.getString(1);
            return new Server(Jdbc.isMariaDb(v), v);
        }
    }

    static Schema read(Connection c, String database) {
        try {
            Server server = server(c);
            Map<String, List<Column>> columns = new LinkedHashMap<>();
            Map<String, Long> rows = new LinkedHashMap<>();
            java.util.Set<String> views = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT TABLE_NAME, TABLE_ROWS, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'VIEW')"
                            + " ORDER BY TABLE_NAME")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.put(rs.getString(1), new ArrayList<>());
                        rows.put(rs.getString(1), rs.getLong(2));
                        if ("VIEW".equals(rs.getString(3))) {
                            views.add(rs.getString(1));
                        }
                    }
                }
            }
            List<String[]> jsonChecks = new ArrayList<>();
            if (server.mariaDb()) {
                // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(col)) constraint.
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            jsonChecks.add(new String[] {rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT)});
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS"
                            + " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String table = rs.getString(1);
                        String col = rs.getString(2);
                        boolean json = jsonChecks.stream().anyMatch(j -> j[0].equals(table)
                                && j[1].replace("`", "").contains("json_valid(" + col.toLowerCase(Locale.ROOT) + ")"));
                        List<Column> list = columns.get(table);
                        if (list != null) {
                            list.add(new Column(col, rs.getString(3).toLowerCase(Locale.ROOT), rs.getString(4).toLowerCase(Locale.ROOT),
                                    "YES".equals(rs.getString(5)), json));
                        }
                    }
                }
            }
            Map<String, List<String>> pks = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ?"
                            + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            Map<String, Map<String, List<String>>> unique = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
                            + " AND NON_UNIQUE = 0 AND SUB_PART IS NULL ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        unique.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                                .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
            Map<String, Table> tables = new LinkedHashMap<>();
            columns.forEach((name, cols) -> tables.put(name,
                    new Table(name, List.copyOf(cols), List.copyOf(pks.getOrDefault(name, List.of())),
                            Map.copyOf(unique.getOrDefault(name, Map.of())), rows.getOrDefault(name, 0L), views.contains(name))));
            return new Schema(server, database, tables);
        } catch (SQLException e) {
            throw DbPromoteException.external("Could not read the tables of database '" + database + "' from information_schema: "
                    + e.getMessage(), e);
        }
    }
}
