package dev.dbpromote.clone.aws;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which database of a restored instance or cluster holds the data. A snapshot restore or Aurora clone
 * carries every schema of the source, so {@code source.database} is there; RDS's {@code DBName} is only
 * the initial database the source was created with, which need not be the one holding the data. We
 * look for {@code source.database} with the new master credentials and fall back to {@code DBName}
 * only when it is not visible (as in the test emulator, where an instance is one schema).
 */
final class RestoredDatabase {

    private RestoredDatabase() {
    }

    static String choose(ConnectionSpec master, String sourceDatabase, String reportedDbName) {
        if (sourceDatabase != null && visible(master.withDatabase(null), sourceDatabase)) {
            return sourceDatabase;
        }
        return reportedDbName != null ? reportedDbName : sourceDatabase;
    }

    private static boolean visible(ConnectionSpec spec, String database) {
        try (Connection c = Jdbc.open(spec);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException | DbPromoteException e) {
            return false; // not reachable from here (e.g. a private subnet): keep what RDS reports
        }
    }
}
