package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code env destroy} removes the PR's namespace with its database, as the merged-PR cleanup needs. */
@MariaDb
class EnvDestroyNamespaceTest {

    @TempDir
    Path dir;

    private void repo(TestDatabase source, boolean withKubeconfig) throws Exception {
        source.execute("CREATE TABLE orders (id INT PRIMARY KEY)", "INSERT INTO orders VALUES (1)");
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                deploy:
                  manifests: deploy/k8s
                %s
                environments:
                  dev:
                    database: {strategy: clone, ttl: 72h}
                    namespace: orders-pr-${PR}
                """.formatted(source.port(), source.name(), withKubeconfig ? "  kubeconfig: kubeconfig" : "  kubeconfig: missing-kubeconfig"));
    }

    @Test
    void destroysTheCloneAndOurNamespace(TestDatabase source) throws Exception {
        try (KubeMock kube = new KubeMock()) {
            repo(source, true);
            KubeMock.kubeconfig(dir, kube.url());
            assertEquals(0, CliRun.in(dir).run("clone", "--env", "dev", "--pr", "42").exitCode());
            kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("orders-pr-42")
                    .addToLabels("app.kubernetes.io/managed-by", "dbpromote").addToLabels("dbpromote/app", "orders")
                    .endMetadata().build()).create();

            CliRun.Result r = CliRun.in(dir).run("env", "destroy", "--env", "dev", "--pr", "42");

            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Namespace orders-pr-42: deleted"), r.out());
            assertNull(kube.fabric8.namespaces().withName("orders-pr-42").get());
            assertFalse(source.column("SHOW DATABASES").contains("orders_dev_pr_42"));
        }
    }

    @Test
    void withoutClusterAccessTheDatabaseGoesAndTheNamespaceIsNamed(TestDatabase source) throws Exception {
        try (KubeMock kube = new KubeMock()) {
            repo(source, false);
            assertEquals(0, CliRun.in(dir).run("clone", "--env", "dev", "--pr", "42").exitCode());
            kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("orders-pr-42").endMetadata().build())
                    .create();

            CliRun.Result r = CliRun.in(dir).run("env", "destroy", "--env", "dev", "--pr", "42");

            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Namespace not deleted") && r.err().contains("dbpromote deploy destroy --env dev --pr 42"),
                    r.err());
            assertFalse(source.column("SHOW DATABASES").contains("orders_dev_pr_42"));
            assertNotNull(kube.fabric8.namespaces().withName("orders-pr-42").get(), "untouched: no access configured");
        }
    }

    /**
     * Issue 12 item 9: when the cluster was reachable and deploy destroy refuses (the namespace is another app's),
     * env destroy says why it refused, not "run deploy destroy where the cluster is reachable" (which refuses too).
     */
    @Test
    void aReachableClusterThatRefusesIsNamedWithTheReason(TestDatabase source) throws Exception {
        try (KubeMock kube = new KubeMock()) {
            repo(source, true);
            KubeMock.kubeconfig(dir, kube.url());
            assertEquals(0, CliRun.in(dir).run("clone", "--env", "dev", "--pr", "42").exitCode());
            kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("orders-pr-42")
                    .addToLabels("app.kubernetes.io/managed-by", "dbpromote").addToLabels("dbpromote/app", "billing")
                    .endMetadata().build()).create();

            CliRun.Result r = CliRun.in(dir).run("env", "destroy", "--env", "dev", "--pr", "42");

            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Namespace not deleted: the cluster (context 'test-ctx'") && r.err().contains("was reached, and dbpromote refuses")
                    && r.err().contains("belongs to dbpromote app 'billing'"), r.err());
            assertFalse(r.err().contains("where the cluster is reachable"), r.err());
            assertTrue(r.out().contains("Namespace not deleted (refused, see above)"), r.out());
            assertNotNull(kube.fabric8.namespaces().withName("orders-pr-42").get());
            assertFalse(source.column("SHOW DATABASES").contains("orders_dev_pr_42"));
        }
    }
}
