package dev.dbpromote.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * goose's own history table, {@code goose_db_version}. A database goose has managed is adopted: the
 * versions goose applied are recorded in our history without running again. After we apply a goose
 * migration we add goose's row too, so teams that still run goose somewhere see the same state.
 */
final class GooseLedger {

    static final String TABLE = "goose_db_version";

    private GooseLedger() {
    }

    static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, TABLE, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    /**
     * Versions goose considers applied: for each version, its latest row says whether it is applied
     * (older goose versions recorded a down migration as a new row with is_applied = false).
     */
    static Set<String> applied(Connection c) throws SQLException {
        Set<String> out = new TreeSet<>();
        if (!exists(c)) {
            return out;
        }
        Map<Long, Boolean> latest = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version_id, is_applied FROM " + TABLE + " ORDER BY id")) {
            while (rs.next()) {
                latest.put(rs.getLong(1), rs.getBoolean(2));
            }
        }
        latest.forEach((v, applied) -> {
            if (applied && v != 0) {
                out.add(String.valueOf(v));
            }
        });
        return out;
    }

    static void record(Connection c, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (version_id, is_applied) VALUES (?, 1)")) {
            ps.setLong(1, Long.parseLong(version));
            ps.executeUpdate();
        }
    }
}
