package dev.dbpromote.clone;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies masking rules to a clone: one UPDATE per table covering all its masked columns, with triggers'
 * effects avoided by nothing special (masking is a plain UPDATE, as a person would run it). Any failure
 * (unknown table or column, a bad expression) is an error: the caller must not hand the clone out.
 */
public final class Masker {

    private Masker() {
    }

    /** @return rows changed per table */
    public static Map<String, Long> apply(ConnectionSpec clone, Map<String, String> rules, Progress progress) {
        Map<String, List<MaskRule>> byTable = new LinkedHashMap<>();
        rules.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                byTable.computeIfAbsent(MaskRule.parse(e.getKey(), e.getValue()).table(), t -> new ArrayList<>())
                        .add(MaskRule.parse(e.getKey(), e.getValue())));
        Map<String, Long> changed = new LinkedHashMap<>();
        if (byTable.isEmpty()) {
            return changed;
        }
        try (Connection c = Jdbc.open(clone)) {
            // A restored RDS/Aurora clone has production's triggers: an audit trigger on a masked table would copy the
            // unmasked OLD values into the clone. Set them aside while masking; recreated (same order) afterwards.
            List<String[]> triggers = triggersOn(c, clone.database(), byTable.keySet());
            for (String[] t : triggers) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TRIGGER " + SchemaCopier.q(t[0]));
                }
            }
            for (Map.Entry<String, List<MaskRule>> t : byTable.entrySet()) {
                List<String> sets = new ArrayList<>();
                for (MaskRule r : t.getValue()) {
                    Integer length = columnLength(c, clone.database(), r);
                    sets.add("`" + r.column() + "` = " + r.expression(length));
                }
                String sql = "UPDATE `" + t.getKey() + "` SET " + String.join(", ", sets);
                try (Statement s = c.createStatement()) {
                    long n = s.executeLargeUpdate(sql);
                    changed.put(t.getKey(), n);
                    progress.line("masked %s (%s): %d rows", t.getKey(), t.getValue().stream()
                            .map(r -> r.column() + "=" + r.type().name().toLowerCase()).reduce((a, b) -> a + ", " + b).orElse(""), n);
                } catch (SQLException e) {
                    throw DbPromoteException.invalid("Masking table '" + t.getKey() + "' failed: " + e.getMessage()
                            + ". Fix the rule under database.mask in dbpromote.yaml; the clone was not handed out.", e);
                }
            }
            for (String[] t : triggers) {
                try (Statement s = c.createStatement()) {
                    if (t[2] != null) {
                        s.execute("SET SESSION sql_mode = '" + t[2].replace("'", "''") + "'");
                    }
                    s.execute(SchemaCopier.stripDefiner(t[1]));
                } catch (SQLException e) {
                    throw DbPromoteException.external("Could not recreate trigger '" + t[0] + "' after masking: " + e.getMessage()
                            + ". The clone was not handed out.", e);
                }
            }
            if (!triggers.isEmpty()) {
                progress.line("recreated %d trigger(s) on masked tables after masking", triggers.size());
            }
        } catch (SQLException e) {
            throw Jdbc.translate(clone, e);
        }
        return changed;
    }

    /** Name, definition and sql_mode of every trigger on {@code tables}, in firing order. */
    private static List<String[]> triggersOn(Connection c, String schema, java.util.Set<String> tables) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (tables.contains(rs.getString(2))) {
                        names.add(rs.getString(1));
                    }
                }
            }
        }
        List<String[]> out = new ArrayList<>();
        for (String name : names) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TRIGGER " + SchemaCopier.q(name))) {
                if (!rs.next() || rs.getString(3) == null) {
                    throw DbPromoteException.external("SHOW CREATE TRIGGER " + name + " returned no definition; the clone's user"
                            + " needs the TRIGGER privilege. The clone was not handed out.");
                }
                out.add(new String[] {name, rs.getString(3), rs.getString(2)});
            }
        }
        return out;
    }

    /** The column's character length for hash rules, checking the column exists. */
    private static Integer columnLength(Connection c, String schema, MaskRule r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, r.table());
            ps.setString(3, r.column());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw DbPromoteException.invalid("Masking rule '" + r.table() + "." + r.column() + "' names a column that"
                            + " does not exist in the clone of '" + schema + "'. Fix database.mask in dbpromote.yaml;"
                            + " the clone was not handed out.");
                }
                long len = rs.getLong(1);
                return rs.wasNull() || len > Integer.MAX_VALUE ? null : (int) Math.min(len, 64);
            }
        }
    }
}
