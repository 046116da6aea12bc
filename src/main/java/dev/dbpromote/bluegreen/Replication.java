package dev.dbpromote.bluegreen;

import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The replication statements of one server, in its own dialect: MariaDB and MySQL 8.0-8.3 take {@code CHANGE MASTER}/
 * {@code SLAVE} (MySQL 8.0 before 8.0.23 knows no other), MySQL 8.4 only {@code CHANGE REPLICATION SOURCE}/{@code REPLICA}.
 * Every statement here is the one the server's manual documents for setting up a replica from a snapshot
 * (MariaDB: "Setting up a Replica", MySQL: "Setting Up Replication with Existing Data").
 */
final class Replication {

    private final Connection c;
    private final boolean mariaDb;
    /** MySQL 8.4+: only the SOURCE/REPLICA names exist (the MASTER/SLAVE ones, deprecated since 8.0.22-8.0.26, are gone). */
    private final boolean newNames;

    private Replication(Connection c, boolean mariaDb, boolean newNames) {
        this.c = c;
        this.mariaDb = mariaDb;
        this.newNames = newNames;
    }

    static Replication on(Connection c) throws SQLException {
        var md = c.getMetaData();
        boolean maria = Jdbc.isMariaDb(md.getDatabaseProductVersion());
        boolean eightFour = !maria && (md.getDatabaseMajorVersion() > 8 || md.getDatabaseMajorVersion() == 8 && md.getDatabaseMinorVersion() >= 4);
        return new Replication(c, maria, eightFour);
    }

    boolean mariaDb() {
        return mariaDb;
    }

    Connection connection() {
        return c;
    }

    String variable(String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@GLOBAL." + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** {@code SHOW MASTER STATUS} (MySQL 8.4: {@code SHOW BINARY LOG STATUS}); null when binary logging is off. */
    BinlogPosition binlogPosition() throws SQLException {
        String sql = newNames ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            String file = rs.getString("File");
            long pos = rs.getLong("Position");
            return new BinlogPosition(file, pos, gtidAt(file, pos, mariaDb ? null : column(rs, "Executed_Gtid_Set")));
        }
    }

    private String gtidAt(String file, long pos, String mysqlGtid) throws SQLException {
        if (!mariaDb) {
            return mysqlGtid == null || mysqlGtid.isBlank() ? null : mysqlGtid.replace("\n", "");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT BINLOG_GTID_POS('" + file + "', " + pos + ")")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Starts a consistent read snapshot on this (blue's) connection and returns the binlog position it
     * corresponds to. MariaDB reports that position for the snapshot itself ({@code binlog_snapshot_file}/
     * {@code _position}), so blue's writers are never blocked; MySQL has no such status, so, like {@code mysqldump
     * --single-transaction --source-data}, a global read lock is held for the instant between the snapshot and
     * {@code SHOW MASTER STATUS}.
     */
    BinlogPosition startSnapshot() throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            if (mariaDb) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                Map<String, String> st = new HashMap<>();
                try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                    while (rs.next()) {
                        st.put(rs.getString(1).toLowerCase(), rs.getString(2));
                    }
                }
                String file = st.get("binlog_snapshot_file");
                long pos = Long.parseLong(st.getOrDefault("binlog_snapshot_position", "0"));
                return new BinlogPosition(file, pos, gtidAt(file, pos, null));
            }
            s.execute("FLUSH TABLES WITH READ LOCK");
            try {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                return binlogPosition();
            } finally {
                s.execute("UNLOCK TABLES");
            }
        }
    }

    ReplicaStatus status() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(newNames ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return ReplicaStatus.NONE;
            }
            String host = column(rs, "Master_Host", "Source_Host");
            String port = column(rs, "Master_Port", "Source_Port");
            boolean io = "Yes".equalsIgnoreCase(column(rs, "Slave_IO_Running", "Replica_IO_Running"));
            boolean sql = "Yes".equalsIgnoreCase(column(rs, "Slave_SQL_Running", "Replica_SQL_Running"));
            String lag = column(rs, "Seconds_Behind_Master", "Seconds_Behind_Source");
            String ioError = column(rs, "Last_IO_Error");
            String sqlError = column(rs, "Last_SQL_Error");
            String error = sqlError != null && !sqlError.isBlank() ? sqlError : ioError != null && !ioError.isBlank() ? ioError : null;
            String file = column(rs, "Relay_Master_Log_File", "Relay_Source_Log_File");
            String pos = column(rs, "Exec_Master_Log_Pos", "Exec_Source_Log_Pos");
            return new ReplicaStatus(host != null && !host.isBlank(), host, port == null ? 0 : Integer.parseInt(port), io, sql,
                    lag == null ? null : Long.valueOf(lag), error, file, pos == null ? 0 : Long.parseLong(pos));
        }
    }

    /** Points this (green) server at blue from {@code from} on, replicating {@code database} only, and starts it. */
    void startReplicaOf(ConnectionSpec blue, String database, BinlogPosition from) throws SQLException {
        try {
            pointAt(blue, database, from);
        } catch (SQLException e) {
            throw withoutPassword(e, blue.password());
        }
    }

    /**
     * The server may quote the CHANGE MASTER statement back ("String '…' is too long for MASTER_PASSWORD", a syntax
     * error's "near '…'"), and so blue's password, cut at any length. Such an error is replaced, cause included, by
     * one that says what happened without the server's text.
     */
    static SQLException withoutPassword(SQLException e, Secret password) {
        String secret = password == null ? null : password.reveal();
        if (secret == null || secret.isEmpty() || !quotesAnyOf(String.valueOf(e.getMessage()), secret)) {
            return e;
        }
        String what = e.getErrorCode() == 1470
                ? "blue's password is longer than this server accepts for MASTER_PASSWORD; give the user green replicates"
                        + " as a shorter password"
                : "the server's message quoted blue's password (" + Secret.MASK + "), so it is not shown";
        return new SQLException("Pointing green at blue was refused (error " + e.getErrorCode() + "): " + what + ".",
                e.getSQLState(), e.getErrorCode());
    }

    /** Whether {@code message} holds any run of 6 characters of the secret (all of it when shorter). */
    private static boolean quotesAnyOf(String message, String secret) {
        int n = Math.min(6, secret.length());
        for (int i = 0; i + n <= secret.length(); i++) {
            if (message.contains(secret.substring(i, i + n))) {
                return true;
            }
        }
        return false;
    }

    private void pointAt(ConnectionSpec blue, String database, BinlogPosition from) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (mariaDb) {
                s.execute("STOP SLAVE");
                s.execute("SET GLOBAL replicate_do_db = " + literal(database));
                s.execute("CHANGE MASTER TO MASTER_HOST = " + literal(blue.host()) + ", MASTER_PORT = " + blue.port()
                        + ", MASTER_USER = " + literal(blue.user()) + ", MASTER_PASSWORD = " + literal(blue.password().reveal())
                        + ", MASTER_LOG_FILE = " + literal(from.file()) + ", MASTER_LOG_POS = " + from.position()
                        + ", MASTER_USE_GTID = no");
                s.execute("START SLAVE");
            } else {
                String stop = newNames ? "STOP REPLICA" : "STOP SLAVE";
                s.execute(stop);
                s.execute("CHANGE REPLICATION FILTER REPLICATE_DO_DB = (" + ident(database) + ")");
                s.execute(newNames
                        ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST = " + literal(blue.host()) + ", SOURCE_PORT = " + blue.port()
                                + ", SOURCE_USER = " + literal(blue.user()) + ", SOURCE_PASSWORD = " + literal(blue.password().reveal())
                                + ", SOURCE_LOG_FILE = " + literal(from.file()) + ", SOURCE_LOG_POS = " + from.position()
                                + ", GET_SOURCE_PUBLIC_KEY = 1"
                        : "CHANGE MASTER TO MASTER_HOST = " + literal(blue.host()) + ", MASTER_PORT = " + blue.port()
                                + ", MASTER_USER = " + literal(blue.user()) + ", MASTER_PASSWORD = " + literal(blue.password().reveal())
                                + ", MASTER_LOG_FILE = " + literal(from.file()) + ", MASTER_LOG_POS = " + from.position()
                                + ", GET_MASTER_PUBLIC_KEY = 1");
                s.execute(newNames ? "START REPLICA" : "START SLAVE");
            }
        }
    }

    /** Stops replication and forgets blue (its address and the stored password); drops the database filter. */
    void forgetSource() throws SQLException {
        try (Statement s = c.createStatement()) {
            if (mariaDb) {
                s.execute("STOP SLAVE");
                s.execute("RESET SLAVE ALL");
                s.execute("SET GLOBAL replicate_do_db = ''");
            } else {
                s.execute(newNames ? "STOP REPLICA" : "STOP SLAVE");
                s.execute(newNames ? "RESET REPLICA ALL" : "RESET SLAVE ALL");
                s.execute("CHANGE REPLICATION FILTER REPLICATE_DO_DB = ()");
            }
        }
    }

    void stopApplier() throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(newNames ? "STOP REPLICA SQL_THREAD" : "STOP SLAVE SQL_THREAD");
        }
    }

    /** Applies blue's changes up to {@code until} and stops there (the applier only; the IO thread keeps reading). */
    void applyUntil(BinlogPosition until) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(newNames
                    ? "START REPLICA SQL_THREAD UNTIL SOURCE_LOG_FILE = " + literal(until.file()) + ", SOURCE_LOG_POS = " + until.position()
                    : "START SLAVE SQL_THREAD UNTIL MASTER_LOG_FILE = " + literal(until.file()) + ", MASTER_LOG_POS = " + until.position());
        }
    }

    void startApplier() throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(newNames ? "START REPLICA" : "START SLAVE");
        }
    }

    /**
     * Waits until this replica has applied blue's log up to {@code pos} ({@code MASTER_POS_WAIT}/{@code SOURCE_POS_WAIT});
     * true when it has, false on timeout.
     */
    boolean waitApplied(BinlogPosition pos, Duration timeout) throws SQLException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String fn = newNames ? "SOURCE_POS_WAIT" : "MASTER_POS_WAIT";
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + fn + "(" + literal(pos.file()) + ", " + pos.position() + ", " + seconds + ")")) {
            rs.next();
            long r = rs.getLong(1);
            // NULL: the applier stopped with an error (or is not configured); -1: timed out.
            return !rs.wasNull() && r >= 0;
        }
    }

    /**
     * Waits until the applier has executed blue's log up to {@code pos} by polling the replica status (unlike
     * {@code MASTER_POS_WAIT}, this also sees an applier that reached an {@code UNTIL} position and stopped there).
     */
    boolean pollApplied(BinlogPosition pos, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ReplicaStatus st = status();
            if (st.executedFile() != null && (st.executedFile().compareTo(pos.file()) > 0
                    || st.executedFile().equals(pos.file()) && st.executedPosition() >= pos.position())) {
                return true;
            }
            if (st.error() != null || System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    void setReadOnly(boolean on, Duration lockWait) throws SQLException {
        try (Statement s = c.createStatement()) {
            // SET GLOBAL read_only waits for open transactions and table locks; bound the wait.
            s.execute("SET SESSION lock_wait_timeout = " + Math.max(1, lockWait.toSeconds()));
            s.execute("SET GLOBAL read_only = " + (on ? "ON" : "OFF"));
        }
    }

    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String column(ResultSet rs, String... names) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        for (String n : names) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (md.getColumnLabel(i).equalsIgnoreCase(n)) {
                    return rs.getString(i);
                }
            }
        }
        return null;
    }
}
