package dev.dbpromote.testing;

import dev.dbpromote.db.EmbeddedMariaDb;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one embedded MariaDB per test JVM (on first use, stopped when the JVM's tests end) and hands
 * each test parameter of type {@link TestDatabase} its own database, dropped after the test.
 * Also resolves {@link EmbeddedMariaDb} for tests that need the server itself. Methods marked
 * {@link EachServer} get their databases from {@link EachServerExtension} instead.
 */
public final class MariaDbExtension implements ParameterResolver {

    /** The server, shared by all test classes in this JVM; stopped by JUnit when the root store closes. */
    public static EmbeddedMariaDb server(ExtensionContext context) {
        return (EmbeddedMariaDb) TestServer.MARIADB.server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        if (p.getDeclaringExecutable().isAnnotationPresent(EachServer.class)) {
            return false;
        }
        Class<?> type = p.getParameter().getType();
        return type == TestDatabase.class || type == EmbeddedMariaDb.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        if (p.getParameter().getType() == EmbeddedMariaDb.class) {
            return server(e);
        }
        return TestServer.MARIADB.newDatabase(e);
    }
}
