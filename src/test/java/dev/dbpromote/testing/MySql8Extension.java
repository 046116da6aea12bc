package dev.dbpromote.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one MySQL 8 per test JVM (on first use, stopped when the JVM's tests end) and hands each test
 * parameter of type {@link TestDatabase} its own database, dropped after the test; {@link MySql8Server}
 * for tests that need the server itself. Skips every test where mysqld cannot run.
 */
public final class MySql8Extension implements BeforeEachCallback, ParameterResolver {

    @Override
    public void beforeEach(ExtensionContext context) {
        TestServer.MYSQL8.server(context); // aborts (skips) the test with the reason when mysqld cannot run
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        Class<?> type = p.getParameter().getType();
        return type == TestDatabase.class || type == MySql8Server.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        if (p.getParameter().getType() == MySql8Server.class) {
            return TestServer.MYSQL8.server(e);
        }
        return TestServer.MYSQL8.newDatabase(e);
    }
}
