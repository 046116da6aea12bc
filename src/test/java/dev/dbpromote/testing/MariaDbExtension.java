package dev.dbpromote.testing;

import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one embedded MariaDB per test JVM (on first use, stopped when the JVM's tests end) and hands
 * each test parameter of type {@link TestDatabase} its own database, dropped after the test.
 * Also resolves {@link EmbeddedMariaDb} for tests that need the server itself.
 */
public final class MariaDbExtension implements ParameterResolver {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The server, shared by all test classes in this JVM; stopped by JUnit when the root store closes. */
    public static EmbeddedMariaDb server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("dbpromote.mariadb", k -> new ServerResource(EmbeddedMariaDb.start()),
                        ServerResource.class)
                .server;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == TestDatabase.class || type == EmbeddedMariaDb.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        EmbeddedMariaDb server = server(e);
        if (p.getParameter().getType() == EmbeddedMariaDb.class) {
            return server;
        }
        String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(server, "CREATE DATABASE `" + name + "`");
        TestDatabase db = new TestDatabase(server, name);
        // Dropped when the test (or, for class-level parameters, the class) ends.
        e.getStore(ExtensionContext.Namespace.create(MariaDbExtension.class, name))
                .put("db", (ExtensionContext.Store.CloseableResource) () -> execute(server, "DROP DATABASE IF EXISTS `" + name + "`"));
        return db;
    }

    static void execute(EmbeddedMariaDb server, String sql) {
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException ex) {
            throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
        }
    }

    private record ServerResource(EmbeddedMariaDb server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
