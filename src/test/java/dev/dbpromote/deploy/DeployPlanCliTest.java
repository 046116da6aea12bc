package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbpromote deploy --dry-run} without any cluster: what the demo runs. */
class DeployPlanCliTest {

    @TempDir
    Path dir;

    @Test
    void rendersOrderedLabelledManifestsAndASummaryWithoutACluster() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);

        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("planned"), r.out());
        assertTrue(r.out().contains("Deployment") && r.out().contains(DeployFixture.DIGEST), r.out());
        Path rendered = dir.resolve(".dbpromote/deploy/dev-pr-42");
        List<String> files;
        try (Stream<Path> s = Files.list(rendered)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("01-namespace-orders-pr-42.yaml", "02-secret-orders-db.yaml", "03-configmap-orders-config.yaml",
                "04-service-orders.yaml", "05-deployment-orders.yaml"), files);
        String deployment = Files.readString(rendered.resolve("05-deployment-orders.yaml"));
        assertTrue(deployment.contains("image: " + DeployFixture.IMAGE), deployment);
        assertTrue(deployment.contains("namespace: orders-pr-42"), deployment);
        assertTrue(deployment.contains("app.kubernetes.io/managed-by: dbpromote") && deployment.contains("dbpromote/pr: '42'"), deployment);
        assertTrue(deployment.contains("value: debug") && deployment.contains("value: clone.db") && deployment.contains("value: '3306'"), deployment);
        assertTrue(deployment.contains("name: orders-db"), deployment);
        assertTrue(deployment.startsWith("# from deploy/k8s/app.yaml:1"), deployment);
        String secret = Files.readString(rendered.resolve("02-secret-orders-db.yaml"));
        assertTrue(secret.contains("host: clone.db") && secret.contains("user: orders_pr_42") && secret.contains("password: '******'"), secret);
        assertTrue(Files.readString(rendered.resolve("03-configmap-orders-config.yaml")).contains("pr: '42'"));
        // The DB password never leaves the credential store in clear text.
        assertFalse(r.out().contains(DeployFixture.PASSWORD) || r.err().contains(DeployFixture.PASSWORD));
        assertFalse(DeployFixture.workspaceText(dir).contains(DeployFixture.PASSWORD));
        assertTrue(Files.isRegularFile(dir.resolve(".dbpromote/reports/deploy-dev-pr-42.json")));
    }

    @Test
    void jsonOutputCarriesTheSummary() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE,
                "--dry-run", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        var json = dev.dbpromote.core.Json.mapper().readTree(r.out());
        assertEquals("planned", json.get("outcome").asText());
        assertEquals(DeployFixture.DIGEST, json.get("digest").asText());
        assertEquals(5, json.get("objects").size());
        assertEquals("Deployment", json.get("objects").get(4).get("kind").asText());
    }

    @Test
    void manifestErrorsAreAllReportedWithFileAndLineAndNothingIsRendered() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        Path k8s = dir.resolve("deploy/k8s");
        Files.writeString(k8s.resolve("bad.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: x
                data:
                  a: ${NOT_A_VAR}
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {labels: {a: b}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spce: {}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: broken
                """);

        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");

        assertEquals(2, r.exitCode(), r.toString());
        String err = r.err();
        assertTrue(err.contains("${NOT_A_VAR} in deploy/k8s/bad.yaml:6"), err);
        assertTrue(err.contains("deploy/k8s/bad.yaml:8: unknown kind 'Widget'"), err);
        assertTrue(err.contains("deploy/k8s/bad.yaml:12: ConfigMap has no metadata.name"), err);
        assertTrue(err.contains("deploy/k8s/bad.yaml:19: Service has no field 'spce'"), err);
        assertTrue(err.contains("deploy/k8s/bad.yaml:23: not valid YAML"), err);
        assertTrue(err.contains("nothing was sent"), err);
        assertFalse(Files.exists(dir.resolve(".dbpromote/deploy/dev-pr-42")));
    }

    @Test
    void aTagIsRefusedWhenDigestsAreRequired() throws Exception {
        DeployFixture.repo(dir, "  requireDigest: true");
        DeployFixture.cloneRecord(dir);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", "registry.example.com/acme/orders:1.4", "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("deploy.requireDigest is true") && r.err().contains("registry.example.com/acme/orders@sha256:"), r.err());
    }

    @Test
    void aManifestInAnotherNamespaceIsRefused() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        Files.writeString(dir.resolve("deploy/k8s/z.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}\n");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("deploy/k8s/z.yaml:1: ConfigMap/c names namespace 'kube-system'"), r.err());
    }

    @Test
    void prInAManifestOfAFixedEnvironmentSaysHowToFixIt() throws Exception {
        DeployFixture.repo(dir);
        Files.writeString(dir.resolve("deploy/k8s/z.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {pr: \"${PR}\"}\n");
        CliRun.Result r = CliRun.in(dir).env("ORDERS_DB_PASSWORD", "x").run("deploy", "--env", "production", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("deploy/k8s/z.yaml:4: ${PR} has no value") && r.err().contains("${PR:-none}"), r.err());
    }

    @Test
    void planBeforeCloneWarnsAndLeavesTheSecretOut() throws Exception {
        DeployFixture.repo(dir);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Run 'dbpromote clone --env dev --pr 42' first"), r.err());
        assertFalse(Files.exists(dir.resolve(".dbpromote/deploy/dev-pr-42/02-secret-orders-db.yaml")));
    }
}
