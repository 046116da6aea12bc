package dev.dbpromote.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            for (String t : tables) {
                ps.setString(1, t);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(new TableStats(t, rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
        }
        return out;
    }
}
