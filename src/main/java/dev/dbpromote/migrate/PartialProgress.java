package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which statements of a failed migration stayed applied, kept in the target database (table
 * {@code dbpromote_partial_migrations}, keyed by version or a repeatable migration's script, created on the first failure) so the next run — on any agent —
 * resumes after them instead of re-running DDL that already happened.
 */
final class PartialProgress {

    static final String TABLE = "dbpromote_partial_migrations";

    record Entry(String version, String script, int applied, List<Long> checksums) {
    }

    private PartialProgress() {
    }

    static Optional<Entry> find(Connection c, String version) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT script, statements_applied, checksums FROM " + TABLE + " WHERE version = ?")) {
            ps.setString(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String sums = rs.getString(3);
                List<Long> checksums = sums == null || sums.isEmpty() ? List.of()
                        : Arrays.stream(sums.split(",")).map(Long::valueOf).toList();
                return Optional.of(new Entry(version, rs.getString(1), rs.getInt(2), checksums));
            }
        }
    }

    static List<String> versions(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!exists(c)) {
            return out;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM " + TABLE)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void save(Connection c, MigrationFile file, int applied, String error) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (version VARCHAR(255) PRIMARY KEY, script VARCHAR(1000) NOT NULL,"
                    + " statements_applied INT NOT NULL, checksums TEXT NOT NULL, error TEXT,"
                    + " failed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)");
        }
        StringBuilder sums = new StringBuilder();
        for (int i = 0; i < applied; i++) {
            sums.append(i == 0 ? "" : ",").append(file.statements().get(i).checksum());
        }
        try (PreparedStatement ps = c.prepareStatement("REPLACE INTO " + TABLE
                + " (version, script, statements_applied, checksums, error) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, file.key());
            ps.setString(2, file.script());
            ps.setInt(3, applied);
            ps.setString(4, sums.toString());
            ps.setString(5, error.length() > 4000 ? error.substring(0, 4000) : error);
            ps.executeUpdate();
        }
    }

    static void clear(Connection c, String version) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE version = ?")) {
            ps.setString(1, version);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            if (rs.next() && rs.getInt(1) == 0) {
                s.execute("DROP TABLE " + TABLE); // leave nothing of ours behind once all is resolved
            }
        }
    }

    /** The statement index to resume at, after checking that the applied statements did not change. */
    static int resumeAt(Entry entry, MigrationFile file) {
        if (entry.applied() > file.statements().size()) {
            throw changed(entry, file);
        }
        for (int i = 0; i < entry.applied(); i++) {
            if (file.statements().get(i).checksum() != entry.checksums().get(i)) {
                throw changed(entry, file);
            }
        }
        return entry.applied();
    }

    private static DbPromoteException changed(Entry entry, MigrationFile file) {
        String applied = MigrationFailure.statements(entry.applied());
        return DbPromoteException.invalid(file.script() + " was partly applied by an earlier failed run (" + applied
                + (entry.applied() == 1 ? " is" : " are") + " in the database), and " + (entry.applied() == 1 ? "it has" : "they have")
                + " changed since. dbpromote will not guess which version of them the database has. Either restore " + applied
                + " as " + (entry.applied() == 1 ? "it was" : "they were") + " and fix only the failing statement onwards, or undo"
                + " their effect by hand and run 'dbpromote migrate repair' to forget the partial run (the next migrate then runs"
                + " the whole file again).");
    }

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, TABLE, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
