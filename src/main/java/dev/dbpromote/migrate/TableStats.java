package dev.dbpromote.migrate;

import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Size of a table a migration touched, measured just before it ran.
 *
 * @param rows InnoDB's row estimate from information_schema (exact for small tables, within ~10% for large ones)
 */
public record TableStats(String table, long rows, long dataBytes, long indexBytes) {

    public long totalBytes() {
        return dataBytes + indexBytes;
    }

    static List<TableStats> measure(Connection c, Collection<String> tables) throws SQLException {
        List<TableStats> out = new ArrayList<>();
        if (tables.isEmpty()) {
            return out;
        }
        freshStatistics(c);
        // One information_schema query for all of a migration's tables: it is slow per call on MySQL/MariaDB.
        String marks = String.join(", ", java.util.Collections.nCopies(tables.size(), "?"));
        java.util.Map<String, TableStats> found = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (" + marks + ")")) {
            int i = 1;
            for (String t : tables) {
                ps.setString(i++, t);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new TableStats(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        for (String t : tables) {
            if (found.containsKey(t)) {
                out.add(found.get(t));
            }
        }
        return out;
    }

    /**
     * MySQL 8 answers information_schema.TABLES from a cache kept up to a day ({@code information_schema_stats_expiry},
     * https://dev.mysql.com/doc/refman/8.0/en/statistics-table.html): a table an earlier migration of the run
     * filled would still show the rows it had when first looked at. MariaDB and MySQL 5.7 have no such cache.
     */
    private static void freshStatistics(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        if (md.getDatabaseMajorVersion() >= 8 && !Jdbc.isMariaDb(md.getDatabaseProductVersion())) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION information_schema_stats_expiry = 0");
            }
        }
    }
}
