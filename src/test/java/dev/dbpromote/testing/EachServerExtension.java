package dev.dbpromote.testing;

import dev.dbpromote.db.DatabaseServer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/** One invocation of an {@link EachServer} method per {@link TestServer}. */
public final class EachServerExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(EachServer.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Arrays.stream(TestServer.values()).map(OnServer::new);
    }

    private record OnServer(TestServer server) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return server.label();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Databases(server));
        }
    }

    /** Starts (or skips on) the invocation's server and resolves its parameters. */
    private record Databases(TestServer server) implements BeforeEachCallback, ParameterResolver {
        @Override
        public void beforeEach(ExtensionContext context) {
            server.server(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            Class<?> type = p.getParameter().getType();
            return type == TestDatabase.class || type == TestServer.class || type == DatabaseServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            Class<?> type = p.getParameter().getType();
            if (type == TestServer.class) {
                return server;
            }
            return type == DatabaseServer.class ? server.server(e) : server.newDatabase(e);
        }
    }
}
