package dev.dbpromote.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployConfigTest {

    static final String BASE = """
            app: orders
            source:
              mysql: {host: prod.db}
              database: orders
            deploy:
            %s
            environments:
              dev:
                database: {strategy: clone}
            """;

    static Config parse(String deploy) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(BASE.formatted(deploy), Path.of("dbpromote.yaml"));
    }

    @Test
    void defaultsAndValues() {
        DeployConfig d = parse("  manifests: k8s\n  requireDigest: true\n  timeout: 5m\n  secretName: orders-db-${PR}").deploy();
        assertEquals("k8s", d.manifests());
        assertTrue(d.requireDigest());
        assertEquals("5m", d.timeout());
        assertEquals(DeployConfig.DEFAULT_TIMEOUT, DeployConfig.DEFAULT.timeout());
        assertEquals("deploy/k8s", DeployConfig.DEFAULT.manifests());
    }

    @Test
    void badValuesAreReportedWithLines() {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> parse("  timeout: soon\n  vars: {IMAGE: x, 9bad: y}\n  secretName: Orders_DB"));
        String m = e.getMessage();
        assertTrue(m.contains("'soon' is not a duration"), m);
        assertTrue(m.contains("deploy.vars cannot set IMAGE"), m);
        assertTrue(m.contains("'9bad' is not usable"), m);
        assertTrue(m.contains("deploy.secretName 'Orders_DB' is not a valid Kubernetes name"), m);
        assertTrue(m.contains("line 7"), m);
    }
}
