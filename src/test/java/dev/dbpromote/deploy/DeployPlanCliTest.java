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
                apiVersion: apps/v1
                kind: Deploymnet
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
        assertTrue(err.contains("deploy/k8s/bad.yaml:8: unknown kind Deploymnet (apiVersion apps/v1)"), err);
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

    /**
     * Issue 12 item 7, plan mode: a kind in a group that is not Kubernetes' own is a custom resource; without a
     * cluster nobody can say whether it is served, so it is rendered with a note instead of refused, after its CRD
     * (and the CRD's scope decides whether it gets the namespace).
     */
    @Test
    void customResourcesAreRenderedAfterTheirCrdWithANoteThatTheyWereNotValidated() throws Exception {
        DeployFixture.repo(dir, "  allowClusterScoped: true");
        DeployFixture.cloneRecord(dir);
        Files.writeString(dir.resolve("deploy/k8s/a-widget.yaml"), """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec: {size: 3}
                ---
                apiVersion: example.com/v1
                kind: Gadget
                metadata: {name: g}
                spec: {shared: true}
                """);
        Files.writeString(dir.resolve("deploy/k8s/z-crd.yaml"), """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.example.com}
                spec:
                  group: example.com
                  scope: Cluster
                  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run",
                "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        var json = dev.dbpromote.core.Json.mapper().readTree(r.out());
        List<String> order = new java.util.ArrayList<>();
        json.get("objects").forEach(o -> order.add(o.get("kind").asText() + "/" + o.get("name").asText() + "@" + o.path("namespace").asText("-")));
        assertEquals(List.of("Namespace/orders-pr-42@-", "CustomResourceDefinition/gadgets.example.com@-", "Secret/orders-db@orders-pr-42",
                "ConfigMap/orders-config@orders-pr-42", "Service/orders@orders-pr-42", "Deployment/orders@orders-pr-42",
                "Widget/w@orders-pr-42", "Gadget/g@-"), order);
        assertTrue(json.get("warnings").toString().contains("Custom resources rendered but not validated")
                && json.get("warnings").toString().contains("Widget/w (example.com/v1"), json.get("warnings").toString());
        assertTrue(Files.readString(dir.resolve(".dbpromote/deploy/dev-pr-42/07-widget-w.yaml")).contains("size: 3"));
    }

    /** Issue 12 item 10: kubectl reads .json manifests too; anything else in the folder is named, not silently skipped. */
    @Test
    void jsonManifestsAreReadAndOtherFilesAreListedAsNotRead() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        Files.writeString(dir.resolve("deploy/k8s/extra.json"), """
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-json"}, "data": {"ns": "${NAMESPACE}"}}
                """);
        Files.writeString(dir.resolve("deploy/k8s/values.tpl"), "replicas: {{ .replicas }}\n");
        Files.writeString(dir.resolve("deploy/k8s/README.md"), "# manifests\n");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("from-json"), r.out());
        assertTrue(Files.readString(dir.resolve(".dbpromote/deploy/dev-pr-42/04-configmap-from-json.yaml")).contains("ns: orders-pr-42"));
        assertTrue(r.out().contains("warning: Not read (kubectl apply -f reads only .yaml, .yml and .json files): deploy/k8s/README.md,"
                + " deploy/k8s/values.tpl"), r.out());
    }

    /** Issue 12 item 11: storage before the workloads that mount it. */
    @Test
    void persistentVolumeClaimsAreAppliedBeforeTheWorkloadsThatMountThem() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        Files.writeString(dir.resolve("deploy/k8s/zz-storage.yaml"), """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run",
                "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> kinds = new java.util.ArrayList<>();
        dev.dbpromote.core.Json.mapper().readTree(r.out()).get("objects").forEach(o -> kinds.add(o.get("kind").asText()));
        assertEquals(List.of("Namespace", "Secret", "ConfigMap", "PersistentVolumeClaim", "Service", "Deployment"), kinds);
    }

    /** Issue 12 item 12, plan mode: cluster-scoped objects in a per-PR environment are shared by every PR: a warning. */
    @Test
    void clusterScopedObjectsInAPerPrPlanAreWarnedAbout() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        Files.writeString(dir.resolve("deploy/k8s/rbac.yaml"), """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: orders-reader}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                """);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Cluster-scoped objects in a per-PR environment (dev-pr-42): ClusterRole/orders-reader"
                + " (deploy/k8s/rbac.yaml:1)") && r.out().contains("deploy.allowClusterScoped: true") && r.out().contains("A real deploy refuses them"),
                r.out());

        DeployFixture.repo(dir, "  allowClusterScoped: true");
        CliRun.Result allowed = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(0, allowed.exitCode(), allowed.toString());
        assertFalse(allowed.out().contains("Cluster-scoped objects"), allowed.out());
    }

    /** Issue 12 item 13: --image is needed only when a manifest uses ${IMAGE}. */
    @Test
    void imageIsRequiredOnlyWhenAManifestUsesIt() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        CliRun.Result needed = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--dry-run");
        assertEquals(2, needed.exitCode(), needed.toString());
        assertTrue(needed.err().contains("No --image given") && needed.err().contains("the manifests use ${IMAGE}"), needed.err());

        Files.writeString(dir.resolve("deploy/k8s/app.yaml"), DeployFixture.APP.replace("${IMAGE}", "nginx@sha256:" + "cd".repeat(32))
                .replace("# the service", "# not ${IMAGE}: a comment does not count"));
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--dry-run", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        var json = dev.dbpromote.core.Json.mapper().readTree(r.out());
        assertTrue(json.path("image").isMissingNode() || json.path("image").isNull(), r.out());
        assertTrue(r.err().contains("Image: none needed (no manifest in deploy/k8s uses ${IMAGE})"), r.err());
    }

    /**
     * Issue 12 item 14: no deploy: section = "this service is not deployed by dbpromote": deploy exits 0 with that
     * message and writes nothing, deploy destroy likewise, and check --output json says so for the pipeline.
     */
    @Test
    void withoutADeploySectionTheServiceIsNotDeployedByDbpromote() throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        String withDeploy = Files.readString(dir.resolve("dbpromote.yaml"));
        Files.writeString(dir.resolve("dbpromote.yaml"), withDeploy.replace("deploy:\n  manifests: deploy/k8s\n  vars: {LOG_LEVEL: debug}\n", ""));
        String recordBefore = Files.readString(dir.resolve(".dbpromote/env/dev-pr-42.json"));

        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("not-deployed") && r.out().contains("This service is not deployed by dbpromote"), r.out());
        CliRun.Result json = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--output", "json");
        assertEquals(0, json.exitCode(), json.toString());
        var out = dev.dbpromote.core.Json.mapper().readTree(json.out());
        assertEquals("not-deployed", out.get("outcome").asText());
        assertFalse(out.at("/deploy/enabled").asBoolean(true), json.out());
        assertTrue(out.at("/deploy/reason").asText().startsWith("This service is not deployed by dbpromote"), json.out());
        CliRun.Result destroy = CliRun.in(dir).run("deploy", "destroy", "--env", "dev", "--pr", "42");
        assertEquals(0, destroy.exitCode(), destroy.toString());
        assertTrue(destroy.out().contains("not-deployed"), destroy.out());
        assertFalse(Files.exists(dir.resolve(".dbpromote/deploy")), "nothing rendered");
        assertFalse(Files.exists(dir.resolve(".dbpromote/reports/deploy-dev-pr-42.json")), "no report");
        assertEquals(recordBefore, Files.readString(dir.resolve(".dbpromote/env/dev-pr-42.json")), "no record");

        CliRun.Result check = CliRun.in(dir).run("check", "--output", "json");
        assertEquals(0, check.exitCode(), check.toString());
        var deploy = dev.dbpromote.core.Json.mapper().readTree(check.out()).get("deploy");
        assertFalse(deploy.get("enabled").asBoolean(), check.out());
        assertTrue(deploy.get("reason").asText().startsWith("This service is not deployed by dbpromote"), check.out());
        Files.writeString(dir.resolve("dbpromote.yaml"), withDeploy);
        var enabled = dev.dbpromote.core.Json.mapper().readTree(CliRun.in(dir).run("check", "--output", "json").out()).get("deploy");
        assertTrue(enabled.get("enabled").asBoolean());
        assertEquals("deploy/k8s", enabled.get("manifests").asText());
    }
}
