package dev.dbpromote.bluegreen;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Two embedded MariaDB servers set up for replication as production teams set up theirs: blue with a row-based
 * binary log, green with a server id of its own (and its own binlog, as a future blue needs one).
 */
public final class ReplicaPair implements AutoCloseable {

    /** Blue's admin password, given to dbpromote as {@code BLUE_DB_PASSWORD}. */
    public static final String BLUE_PASSWORD = "blue-admin-pw";

    public final EmbeddedMariaDb blue;
    public final EmbeddedMariaDb green;

    private ReplicaPair(EmbeddedMariaDb blue, EmbeddedMariaDb green) {
        this.blue = blue;
        this.green = green;
    }

    public static ReplicaPair start() {
        EmbeddedMariaDb blue = EmbeddedMariaDb.start("--log-bin=blue-bin", "--server-id=1", "--binlog-format=ROW");
        try {
            // Blue's admin user, as on a real server: with a password (MariaDB 11.4 replicas verify blue's self-signed
            // TLS certificate through the password, so an empty one cannot replicate).
            exec(blue.root(null), "CREATE USER 'admin'@'%' IDENTIFIED BY '" + BLUE_PASSWORD + "'",
                    "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION");
            return new ReplicaPair(blue, EmbeddedMariaDb.start("--log-bin=green-bin", "--server-id=2", "--binlog-format=ROW"));
        } catch (RuntimeException e) {
            blue.close();
            throw e;
        }
    }

    public static void exec(ConnectionSpec spec, String... sql) {
        try (Connection c = Jdbc.open(spec); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw DbPromoteException.external(e.getMessage(), e);
        }
    }

    public static List<String> column(ConnectionSpec spec, String sql) {
        try (Connection c = Jdbc.open(spec); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw DbPromoteException.external(e.getMessage(), e);
        }
    }

    public static long count(ConnectionSpec spec, String table) {
        return Long.parseLong(column(spec, "SELECT COUNT(*) FROM " + table).get(0));
    }

    /** Polls until {@code sql}'s first value equals {@code expected} (replication is asynchronous), at most 20 s. */
    public static void await(ConnectionSpec spec, String sql, String expected) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String got = null;
        while (System.nanoTime() < deadline) {
            List<String> v = column(spec, sql);
            got = v.isEmpty() ? null : v.get(0);
            if (expected.equals(got)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError(sql + " on " + spec.describe() + ": expected " + expected + ", got " + got);
    }

    @Override
    public void close() {
        try {
            green.close();
        } finally {
            blue.close();
        }
    }
}
