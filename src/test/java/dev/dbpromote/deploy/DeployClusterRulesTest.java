package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 items 4-7 and 12 against fabric8's mock API server behind the real client-java. The mock's CRUD mode
 * has no server-side apply (415) and no API discovery for custom groups: those requests are stubbed with what a
 * real kube-apiserver answers, and the tests assert on the requests dbpromote sent.
 */
class DeployClusterRulesTest {

    static final String NS = "orders-pr-42";

    @TempDir
    Path dir;
    KubeMock kube;

    @BeforeEach
    void start() throws Exception {
        kube = new KubeMock();
        DeployFixture.repo(dir, "  kubeconfig: kubeconfig");
        DeployFixture.cloneRecord(dir);
        KubeMock.kubeconfig(dir, kube.url());
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    private void stubAllApplies() {
        kube.stubApply("/api/v1/namespaces/" + NS, "fieldManager=dbpromote", "Namespace");
        kube.stubApply("/api/v1/namespaces/" + NS + "/secrets/orders-db", "fieldManager=dbpromote", "Secret");
        kube.stubApply("/api/v1/namespaces/" + NS + "/configmaps/orders-config", "fieldManager=dbpromote", "ConfigMap");
        kube.stubApply("/api/v1/namespaces/" + NS + "/services/orders", "fieldManager=dbpromote", "Service");
        kube.stubApply("/apis/apps/v1/namespaces/" + NS + "/deployments/orders", "fieldManager=dbpromote", "Deployment");
    }

    /** The Deployment as the controller leaves it after a finished rollout (the SSA PATCH itself is stubbed). */
    private void rolledOutDeployment() {
        var d = kube.fabric8.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("orders").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "orders").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "orders").endMetadata()
                .withNewSpec().addNewContainer().withName("orders").withImage(DeployFixture.IMAGE).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(2)
                .withUpdatedReplicas(2).withAvailableReplicas(2).build());
        kube.fabric8.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    }

    private void namespace(String... labels) {
        NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata();
        for (int i = 0; i < labels.length; i += 2) {
            b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
        }
        kube.fabric8.namespaces().resource(b.build()).create();
    }

    private List<RecordedRequest> patches() throws InterruptedException {
        return kube.requests().stream().filter(q -> q.getMethod().equals("PATCH")).toList();
    }

    /**
     * Item 4: every dbpromote app labels managed-by=dbpromote, so that label alone does not make a namespace ours.
     * Another app's namespace is refused before any request that changes something, with both apps named and no
     * --force-conflicts advice (forcing would relabel it to this app, and destroy would then delete it).
     */
    @Test
    void anotherAppsNamespaceIsNeitherDeployedIntoNorRelabelledNorDeleted() throws Exception {
        stubAllApplies();
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "billing", "dbpromote/env", "dev");
        for (String force : List.of("--timeout", "--force-conflicts")) {
            CliRun.Result r = force.equals("--timeout")
                    ? CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE)
                    : CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, force);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("Namespace 'orders-pr-42' belongs to dbpromote app 'billing'") && r.err().contains("not to 'orders'"),
                    r.err());
            assertFalse(r.err().contains("--force-conflicts"), r.err());
        }
        assertTrue(patches().isEmpty(), "nothing was sent");
        CliRun.Result destroy = CliRun.in(dir).run("deploy", "destroy", "--env", "dev", "--pr", "42");
        assertEquals(2, destroy.exitCode(), destroy.toString());
        assertTrue(destroy.err().contains("belongs to dbpromote app 'billing'"), destroy.err());
        assertEquals("billing", kube.fabric8.namespaces().withName(NS).get().getMetadata().getLabels().get("dbpromote/app"));
    }

    /** Item 4, the PR label: this app's namespace of another pull request is not this PR's. */
    @Test
    void anotherPullRequestsNamespaceIsRefused() throws Exception {
        stubAllApplies();
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "41");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("is app 'orders''s pull request 41") && r.err().contains("not pull request 42"), r.err());
        assertTrue(patches().isEmpty());
    }

    /**
     * Item 5: a redeploy into our own, correctly labelled namespace does not apply the Namespace again, so a
     * deployer whose RBAC covers only that namespace (a real server answers 403 to patching the Namespace) deploys.
     */
    @Test
    void aRedeployIntoOurLabelledNamespaceDoesNotTouchTheNamespace() throws Exception {
        kube.server.expect().patch().withPath("/api/v1/namespaces/" + NS + "?dryRun=All&fieldManager=dbpromote").andReturn(403,
                "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":\"namespaces \\\"orders-pr-42\\\" is forbidden:"
                        + " User \\\"system:serviceaccount:orders-pr-42:deployer\\\" cannot patch resource \\\"namespaces\\\"\"}").always();
        kube.server.expect().patch().withPath("/api/v1/namespaces/" + NS + "?fieldManager=dbpromote").andReturn(403,
                "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":\"forbidden\"}").always();
        stubAllApplies();
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "42");
        rolledOutDeployment();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--timeout", "20s");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Namespace/orders-pr-42 (managed, not re-applied)"), r.out());
        assertTrue(patches().stream().noneMatch(q -> q.getPath().startsWith("/api/v1/namespaces/" + NS + "?")));

        // One of our labels missing (an older dbpromote): then it is applied, to put the label on.
        kube.fabric8.namespaces().withName(NS).edit(n -> new NamespaceBuilder(n).editMetadata().removeFromLabels("dbpromote/env").endMetadata().build());
        CliRun.Result relabel = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--timeout", "20s");
        assertEquals(2, relabel.exitCode(), "the stub says 403 now that the Namespace is applied: " + relabel);
        assertTrue(relabel.err().contains("namespaces"), relabel.err());
    }

    /**
     * Item 6: server-side apply of an object that does not exist yet is a create, which a real API server authorizes
     * as 'create' on top of 'patch', and its Forbidden message names the verb it checked.
     */
    @Test
    void aForbiddenApplyNamesTheVerbTheServerDeniedAndBothThatApplyNeeds() throws Exception {
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "42");
        kube.server.expect().patch().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/orders?dryRun=All&fieldManager=dbpromote")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":\"deployments.apps \\\"orders\\\" is forbidden:"
                        + " User \\\"system:serviceaccount:ci:deployer\\\" cannot create resource \\\"deployments\\\" in API group \\\"apps\\\""
                        + " in the namespace \\\"orders-pr-42\\\"\"}").always();
        stubAllApplies();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("permission to 'create' deployments.apps 'orders'") && r.err().contains("the server denied 'create'")
                && r.err().contains("verbs: [\"create\", \"patch\"]") && r.err().contains("apiGroups: [\"apps\"]"), r.err());
        assertTrue(patches().stream().noneMatch(q -> !q.getPath().contains("dryRun")), "found by the dry run: nothing applied");
    }

    private static final String WIDGET = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            spec: {size: 3}
            """;

    /**
     * Item 7: a custom resource whose CRD is installed deploys: the kind's plural and scope come from API discovery
     * (GET /apis/example.com/v1, stubbed with a real server's APIResourceList) and it is server-side applied last.
     */
    @Test
    void aCustomResourceIsDiscoveredAndServerSideApplied() throws Exception {
        Files.writeString(dir.resolve("deploy/k8s/widget.yaml"), WIDGET);
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "42");
        kube.server.expect().get().withPath("/apis/example.com/v1").andReturn(200, """
                {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"example.com/v1","resources":[
                 {"name":"widgets","singularName":"widget","namespaced":true,"kind":"Widget","verbs":["get","list","patch","create","delete"]},
                 {"name":"widgets/status","singularName":"","namespaced":true,"kind":"Widget","verbs":["get","patch"]}]}
                """).always();
        kube.stubApply("/apis/example.com/v1/namespaces/" + NS + "/widgets/w", "fieldManager=dbpromote", "Widget");
        stubAllApplies();
        rolledOutDeployment();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--timeout", "20s");
        assertEquals(0, r.exitCode(), r.toString());
        List<RecordedRequest> real = patches().stream().filter(q -> !q.getPath().contains("dryRun")).toList();
        RecordedRequest widget = real.get(real.size() - 1);
        assertEquals("/apis/example.com/v1/namespaces/" + NS + "/widgets/w?fieldManager=dbpromote", widget.getPath());
        assertEquals("application/apply-patch+yaml", widget.getHeader("Content-Type"));
        var body = dev.dbpromote.core.Json.mapper().readTree(widget.getUtf8Body());
        assertEquals(3, body.at("/spec/size").asInt());
        assertEquals("dbpromote", body.at("/metadata/labels/app.kubernetes.io~1managed-by").asText());
    }

    /** Item 7: a kind the server does not serve and no CRD in the manifests defines is named as unknown, before anything is sent. */
    @Test
    void aKindTheServerDoesNotServeIsAnUnknownKind() throws Exception {
        Files.writeString(dir.resolve("deploy/k8s/widget.yaml"), WIDGET);
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "42");
        kube.server.expect().get().withPath("/apis/example.com/v1").andReturn(404,
                "{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\",\"message\":\"the server could not find the requested resource\"}").always();
        stubAllApplies();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("deploy/k8s/widget.yaml:1: unknown kind Widget (apiVersion example.com/v1)")
                && r.err().contains("does not serve it"), r.err());
        assertFalse(r.err().contains("has no field"), r.err());
        assertTrue(patches().isEmpty());
    }

    /** Item 12: a per-PR deploy refuses cluster-scoped objects (shared by every PR) unless deploy.allowClusterScoped. */
    @Test
    void aPerPrDeployRefusesClusterScopedObjectsUnlessAllowed() throws Exception {
        Files.writeString(dir.resolve("deploy/k8s/rbac.yaml"), """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: orders-reader}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                """);
        stubAllApplies();
        kube.stubApply("/apis/rbac.authorization.k8s.io/v1/clusterroles/orders-reader", "fieldManager=dbpromote", "ClusterRole");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Cluster-scoped objects in a per-PR environment (dev-pr-42): ClusterRole/orders-reader")
                && r.err().contains("deploy.allowClusterScoped: true") && r.err().contains("Nothing was sent"), r.err());
        assertTrue(patches().isEmpty());

        DeployFixture.repo(dir, "  kubeconfig: kubeconfig\n  allowClusterScoped: true");
        rolledOutDeployment();
        CliRun.Result allowed = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--timeout", "20s");
        assertEquals(0, allowed.exitCode(), allowed.toString());
        assertTrue(patches().stream().anyMatch(q -> q.getPath().startsWith("/apis/rbac.authorization.k8s.io/v1/clusterroles/orders-reader?fieldManager")));
        assertNotNull(kube.fabric8.apps().deployments().inNamespace(NS).withName("orders").get());
    }

    /**
     * Item 7 with the CRD in the manifests: the kind is not served yet (discovery 404), so its plural and scope come
     * from the CRD; the CRD is applied first and its resources wait until the API server marks it Established (the
     * test plays the apiextensions controller by writing the CRD's /status), as kubectl wait --for condition=established.
     */
    @Test
    void aCustomResourceWaitsForItsCrdFromTheSameManifestsToBeEstablished() throws Exception {
        DeployFixture.repo(dir, "  kubeconfig: kubeconfig\n  allowClusterScoped: true");
        Files.writeString(dir.resolve("deploy/k8s/gadget.yaml"), """
                apiVersion: example.com/v1
                kind: Gadget
                metadata: {name: g}
                spec: {color: blue}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}
                  versions:
                    - name: v1
                      served: true
                      storage: true
                      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
                """);
        namespace("app.kubernetes.io/managed-by", "dbpromote", "dbpromote/app", "orders", "dbpromote/env", "dev", "dbpromote/pr", "42");
        kube.server.expect().get().withPath("/apis/example.com/v1").andReturn(404, "{\"kind\":\"Status\",\"code\":404}").always();
        kube.stubApply("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com", "fieldManager=dbpromote",
                "CustomResourceDefinition");
        kube.stubApply("/apis/example.com/v1/namespaces/" + NS + "/gadgets/g", "fieldManager=dbpromote", "Gadget");
        stubAllApplies();
        rolledOutDeployment();
        var config = new dev.dbpromote.config.ConfigLoader(java.util.Map.<String, String>of()::get).load(dir.resolve("dbpromote.yaml"));
        int[] sleeps = {0};
        DeployResult r = new K8sDeploy(config, java.util.Map.<String, String>of()::get, line -> { },
                () -> KubeAccess.connect(config, java.util.Map.<String, String>of()::get), DigestResolver.none(), millis -> {
                    if (sleeps[0]++ == 1) { // the apiextensions controller, a moment after the CRD was applied
                        var crd = kube.fabric8.apiextensions().v1().customResourceDefinitions().resource(
                                new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                                        .withNewMetadata().withName("gadgets.example.com").endMetadata()
                                        .withNewSpec().withGroup("example.com").withScope("Namespaced").withNewNames().withKind("Gadget")
                                        .withPlural("gadgets").endNames().endSpec().build()).create();
                        crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
                                .addNewCondition().withType("Established").withStatus("True").endCondition().build());
                        kube.fabric8.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
                    }
                }).run(new DeployRequest("dev", "42", DeployFixture.IMAGE, false, false, java.time.Duration.ofSeconds(30)));

        assertTrue(r.success(), r.toString());
        List<String> order = patches().stream().map(q -> (q.getPath().contains("dryRun") ? "dry:" : "")
                + q.getPath().replaceAll(".*/([\\w.-]+/[\\w.-]+)\\?.*", "$1")).toList();
        assertTrue(order.indexOf("customresourcedefinitions/gadgets.example.com") < order.indexOf("gadgets/g"), order.toString());
        assertFalse(order.contains("dry:gadgets/g"), "not checkable before its CRD exists: " + order);
        assertTrue(sleeps[0] >= 2, "waited for Established");
        assertTrue(r.applied().contains("Gadget/g"), r.applied().toString());
    }
}
