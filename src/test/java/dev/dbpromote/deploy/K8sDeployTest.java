package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.CliRun;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real client-java against fabric8's mock API server; the test plays the Deployment controller. */
class K8sDeployTest {

    static final String NS = "orders-pr-42";
    static final String OLD_IMAGE = "registry.example.com/acme/orders@sha256:" + "0f".repeat(32);

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

    private void stubAllApplies(String query) {
        kube.stubApply("/api/v1/namespaces/" + NS, query, "Namespace");
        kube.stubApply("/api/v1/namespaces/" + NS + "/secrets/orders-db", query, "Secret");
        kube.stubApply("/api/v1/namespaces/" + NS + "/configmaps/orders-config", query, "ConfigMap");
        kube.stubApply("/api/v1/namespaces/" + NS + "/services/orders", query, "Service");
        kube.stubApply("/apis/apps/v1/namespaces/" + NS + "/deployments/orders", query, "Deployment");
    }

    /** The Deployment as the API server holds it (the SSA PATCH itself is stubbed). */
    private Deployment seedDeployment(String image) {
        return kube.fabric8.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("orders").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "orders").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "orders").endMetadata()
                .withNewSpec().addNewContainer().withName("orders").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    private void writeStatus(DeploymentStatus status) {
        Deployment d = kube.fabric8.apps().deployments().inNamespace(NS).withName("orders").get();
        d.setStatus(status);
        kube.fabric8.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    }

    private long generation() {
        return kube.fabric8.apps().deployments().inNamespace(NS).withName("orders").get().getMetadata().getGeneration();
    }

    private String currentImage() {
        return kube.fabric8.apps().deployments().inNamespace(NS).withName("orders").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private DeployResult deploy(List<String> progress, RolloutWaiter.Sleeper controller, boolean force) {
        return deploy((dev.dbpromote.core.Progress) progress::add, controller, force);
    }

    private DeployResult deploy(dev.dbpromote.core.Progress progress, RolloutWaiter.Sleeper controller, boolean force) {
        return deploy(progress, controller, force, Duration.ofMinutes(1));
    }

    private DeployResult deploy(List<String> progress, RolloutWaiter.Sleeper controller, boolean force, Duration timeout) {
        return deploy((dev.dbpromote.core.Progress) progress::add, controller, force, timeout);
    }

    private DeployResult deploy(dev.dbpromote.core.Progress progress, RolloutWaiter.Sleeper controller, boolean force, Duration timeout) {
        Config config = new ConfigLoader(Map.<String, String>of()::get).load(dir.resolve("dbpromote.yaml"));
        return new K8sDeploy(config, Map.<String, String>of()::get, progress,
                () -> KubeAccess.connect(config, Map.<String, String>of()::get), DigestResolver.none(), controller)
                .run(new DeployRequest("dev", "42", DeployFixture.IMAGE, false, force, timeout));
    }

    @Test
    void appliesInOrderWithServerSideApplyWaitsForTheRolloutAndRecordsTheDigest() throws Exception {
        stubAllApplies("fieldManager=dbpromote&force=true");
        seedDeployment(DeployFixture.IMAGE);
        int[] polls = {0};
        List<String> progress = new java.util.ArrayList<>();
        DeployResult r = deploy(progress, millis -> {
            long gen = generation();
            switch (polls[0]++) {
                case 0 -> writeStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(2)
                        .withUpdatedReplicas(1).build());
                case 1 -> writeStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(2)
                        .withUpdatedReplicas(2).withAvailableReplicas(1).build());
                default -> writeStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(2)
                        .withUpdatedReplicas(2).withReadyReplicas(2).withAvailableReplicas(2).build());
            }
        }, true);

        assertTrue(r.success(), r.toString());
        assertEquals("rolled-out", r.outcome());
        assertEquals("created", r.namespaceState());
        assertEquals("test-ctx", r.context());
        String lines = String.join("\n", progress);
        assertTrue(lines.contains("Kubernetes: context 'test-ctx' (" + kube.url()), lines);
        assertTrue(lines.contains("Waiting for deployment \"orders\" rollout to finish: 1 out of 2 new replicas have been updated..."), lines);
        assertTrue(lines.contains("1 of 2 updated replicas are available..."), lines);
        assertTrue(lines.contains("deployment \"orders\" successfully rolled out"), lines);
        assertFalse(lines.contains("tok-SECRET-123") || lines.contains(DeployFixture.PASSWORD), lines);

        List<RecordedRequest> all = kube.requests().stream().filter(q -> q.getMethod().equals("PATCH")).toList();
        // Issue 12 item 8: every object is checked by a server-side dry run (the new namespace created first for
        // it) before any of them is applied, so a rejection leaves nothing half-applied.
        assertEquals(List.of("namespaces/orders-pr-42", "dry:secrets/orders-db", "dry:configmaps/orders-config", "dry:services/orders",
                "dry:deployments/orders", "secrets/orders-db", "configmaps/orders-config", "services/orders", "deployments/orders"),
                all.stream().map(q -> (q.getPath().contains("dryRun=All") ? "dry:" : "")
                        + q.getPath().replaceAll(".*/(\\w+/[\\w-]+)\\?.*", "$1")).toList());
        List<RecordedRequest> patches = all.stream().filter(q -> !q.getPath().contains("dryRun=All")).toList();
        for (RecordedRequest p : patches) {
            assertEquals("application/apply-patch+yaml", p.getHeader("Content-Type"), p.getPath());
            assertTrue(p.getPath().contains("fieldManager=dbpromote") && p.getPath().contains("force=true"), p.getPath());
            assertEquals("Bearer tok-SECRET-123", p.getHeader("Authorization"));
        }
        var secret = dev.dbpromote.core.Json.mapper().readTree(patches.get(1).getUtf8Body());
        assertEquals(DeployFixture.PASSWORD, secret.at("/stringData/password").asText(), "the real value goes to the cluster only");
        assertEquals("clone.db", secret.at("/stringData/host").asText());
        assertEquals("dbpromote", secret.at("/metadata/labels/app.kubernetes.io~1managed-by").asText());
        var deployment = dev.dbpromote.core.Json.mapper().readTree(patches.get(4).getUtf8Body());
        assertEquals(DeployFixture.IMAGE, deployment.at("/spec/template/spec/containers/0/image").asText());
        assertEquals("42", deployment.at("/metadata/labels/dbpromote~1pr").asText());

        assertEquals(DeployFixture.IMAGE, new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-42").orElseThrow()
                .attributes().get("image"));
        assertFalse(DeployFixture.workspaceText(dir).contains(DeployFixture.PASSWORD));
    }

    static final String ANCIENT_IMAGE = "registry.example.com/acme/orders@sha256:" + "11".repeat(32);

    /** A ReplicaSet of the Deployment, as the Deployment controller leaves them (one per revision). */
    private void seedReplicaSet(String uid, int rev, String image) {
        kube.fabric8.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("orders-h" + rev).withNamespace(NS)
                .addToLabels("app", "orders").addToLabels("pod-template-hash", "h" + rev)
                .addToAnnotations(RolloutUndo.REVISION, String.valueOf(rev))
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("orders")
                .withUid(uid).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "orders").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "orders").addToLabels("pod-template-hash", "h" + rev).endMetadata()
                .withNewSpec().addNewContainer().withName("orders").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    /** The Deployment at revision {@code revision} running {@code image}, with its server-side apply model. */
    private SsaWorkload seedWithHistory(String image, int revision, String... history) {
        Deployment d = kube.fabric8.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder(seedDeployment(image))
                .editMetadata().addToAnnotations(RolloutUndo.REVISION, String.valueOf(revision)).endMetadata().build()).update();
        for (int i = 0; i < history.length; i++) {
            seedReplicaSet(d.getMetadata().getUid(), i + 1, history[i]);
        }
        return new SsaWorkload(d, image, "dbpromote (Apply)").on(kube, "/apis/apps/v1/namespaces/" + NS + "/deployments/orders");
    }

    /** The API server persisting what the model accepted, then the controller: {@code broken} never becomes available. */
    private void playController(SsaWorkload model, String broken) {
        if (!currentImage().equals(model.image)) {
            kube.fabric8.apps().deployments().inNamespace(NS).withName("orders").edit(d -> new DeploymentBuilder(d).editSpec()
                    .editTemplate().editSpec().editFirstContainer().withImage(model.image).endContainer().endSpec().endTemplate()
                    .endSpec().build());
        }
        long gen = Math.max(generation(), model.generation); // observed: the latest generation, the model's or the store's
        if (model.image.equals(broken)) {
            writeStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(3).withUpdatedReplicas(1)
                    .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                            .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.").build())
                    .build());
        } else {
            writeStatus(new DeploymentStatusBuilder().withObservedGeneration(gen).withReplicas(2).withUpdatedReplicas(2)
                    .withReadyReplicas(2).withAvailableReplicas(2).build());
        }
    }

    private void crashingPod() {
        kube.fabric8.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("orders-h2-abc")
                .withNamespace(NS).addToLabels("app", "orders").endMetadata()
                .withNewSpec().addNewContainer().withName("orders").withImage(DeployFixture.IMAGE).endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("orders").withImage(DeployFixture.IMAGE).withImageID("").withReady(false).withRestartCount(4)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff").withMessage("back-off 40s").endWaiting().endState()
                .endContainerStatus().endStatus().build()).create();
        kube.fabric8.v1().events().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName("orders-h2-abc.1").withNamespace(NS).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName("orders-h2-abc").withNamespace(NS).endInvolvedObject()
                .withType("Warning").withReason("BackOff").withMessage("Back-off restarting failed container orders").withCount(7)
                .build()).create();
        kube.server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/orders-h2-abc/log?tailLines=20")
                .andReturn(200, "starting\nFATAL: cannot connect to clone.db:3306\n").always();
    }

    private void stubAllButTheDeployment() {
        kube.stubApply("/api/v1/namespaces/" + NS, "fieldManager=dbpromote", "Namespace");
        kube.stubApply("/api/v1/namespaces/" + NS + "/secrets/orders-db", "fieldManager=dbpromote", "Secret");
        kube.stubApply("/api/v1/namespaces/" + NS + "/configmaps/orders-config", "fieldManager=dbpromote", "ConfigMap");
        kube.stubApply("/api/v1/namespaces/" + NS + "/services/orders", "fieldManager=dbpromote", "Service");
    }

    /**
     * Issue 12 item 1 and 3. History: revision 1 ANCIENT, 2 IMAGE (rolled back as broken earlier), 3 OLD (current).
     * This deploy applies IMAGE again and it fails again. kubectl's "previous revision" (and dbpromote before the
     * fix) would pick revision 2 = IMAGE, the broken build; the undo must restore revision 3 = OLD, what ran
     * before this run, and the record, the result and the log must say OLD runs now.
     */
    @Test
    void aFailedRolloutOfANewTemplateIsUndoneToExactlyTheRevisionBeforeThisDeploy() throws Exception {
        stubAllButTheDeployment();
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        SsaWorkload model = seedWithHistory(OLD_IMAGE, 3, ANCIENT_IMAGE, DeployFixture.IMAGE, OLD_IMAGE);
        crashingPod();

        List<String> progress = new java.util.ArrayList<>();
        DeployResult r = deploy(progress, millis -> playController(model, DeployFixture.IMAGE), false);

        assertFalse(r.success());
        assertEquals("rolled-back", r.outcome());
        DeployResult.Rollout ro = r.rollouts().get(0);
        assertEquals("rolled-back", ro.undo());
        assertEquals(3L, ro.rolledBackTo(), "the revision current before this deploy, not 'the previous one' (2)");
        assertEquals(OLD_IMAGE, model.image, "the API server got OLD back");
        assertEquals(OLD_IMAGE, currentImage());
        assertTrue(ro.message().contains("revision 3, h3") && ro.message().contains("successfully rolled out"), ro.message());
        String diag = String.join("\n", r.diagnostics());
        assertTrue(diag.contains("CrashLoopBackOff") && diag.contains("FATAL: cannot connect to clone.db:3306")
                && diag.contains("event Warning BackOff"), diag);
        // item 3: the result, the record and the log say which image runs now
        assertEquals(OLD_IMAGE, ro.runningImage());
        assertEquals(OLD_IMAGE, r.runningImage());
        assertEquals(DeployFixture.IMAGE, r.image());
        var report = dev.dbpromote.core.Json.mapper().readTree(dir.resolve(".dbpromote/reports/deploy-dev-pr-42.json").toFile());
        assertEquals(OLD_IMAGE, report.get("runningImage").asText());
        var attributes = new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-42").orElseThrow().attributes();
        assertEquals(OLD_IMAGE, attributes.get("image"));
        assertEquals(DeployFixture.IMAGE, attributes.get("rolledBackFrom"));
        String log = String.join("\n", progress);
        assertTrue(log.contains("Deployment/orders now runs image " + OLD_IMAGE), log);
        // item 2: the undo is a server-side apply as dbpromote (a real server: operation Apply, manager dbpromote)
        SsaWorkload.Request undo = model.requests.get(model.requests.size() - 1);
        assertTrue(undo.apply() && undo.query().equals("fieldManager=dbpromote&force=true"), undo.toString());
        var undoBody = dev.dbpromote.core.Json.mapper().readTree(undo.body());
        assertEquals(OLD_IMAGE, undoBody.at("/spec/template/spec/containers/0/image").asText(), undo.body());
        assertEquals(2, undoBody.at("/spec/replicas").asInt(), "the rest of this run's object, so no field dbpromote owns is dropped");
    }

    /**
     * Issue 12 item 1, the reproduction: B is deployed and current, one pod of B is failing, and the identical B
     * deploy runs again. The apply changes no pod template, so a real Deployment controller makes no new revision;
     * there is nothing of this run to undo, and the revision before it is an older build. Before the fix dbpromote
     * "rolled back to revision 1" = OLD.
     */
    @Test
    void reapplyingTheSameTemplateWhileItsRolloutFailsUndoesNothing() throws Exception {
        stubAllButTheDeployment();
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        SsaWorkload model = seedWithHistory(DeployFixture.IMAGE, 2, OLD_IMAGE, DeployFixture.IMAGE);
        crashingPod();

        List<String> progress = new java.util.ArrayList<>();
        DeployResult r = deploy(progress, millis -> playController(model, DeployFixture.IMAGE), false);

        assertFalse(r.success());
        assertEquals("failed", r.outcome());
        assertEquals("not-undone-unchanged", r.rollouts().get(0).undo());
        assertEquals(DeployFixture.IMAGE, model.image);
        assertEquals(DeployFixture.IMAGE, currentImage());
        assertEquals(DeployFixture.IMAGE, r.runningImage());
        assertTrue(model.requests.stream().noneMatch(q -> q.query().contains("force=true")), model.requests.toString());
        assertTrue(String.join("\n", r.warnings()).contains("did not change the pod template of Deployment/orders (revision 2, h2"),
                r.warnings().toString());
        assertTrue(String.join("\n", r.diagnostics()).contains("CrashLoopBackOff"), r.diagnostics().toString());
        assertNull(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-42").orElseThrow().attributes().get("image"),
                "a failed deploy records nothing");
    }

    /**
     * Issue 12 item 2: deploy, failing rollout, undo, deploy again without --force-conflicts. On a real server an
     * undo by PATCH without fieldManager is recorded as manager "Kubernetes Java Client" (operation Update), and the
     * next apply of another image is a 409 conflict with it; {@link SsaWorkload} models exactly that ownership rule.
     */
    @Test
    void aDeployAfterAnUndoNeedsNoForceConflicts() throws Exception {
        stubAllButTheDeployment();
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        SsaWorkload model = seedWithHistory(OLD_IMAGE, 2, ANCIENT_IMAGE, OLD_IMAGE);

        DeployResult first = deploy(new java.util.ArrayList<>(), millis -> playController(model, DeployFixture.IMAGE), false);
        assertEquals("rolled-back", first.outcome());
        assertEquals("dbpromote (Apply)", model.owner);

        DeployResult second = deploy(new java.util.ArrayList<>(), millis -> playController(model, "none-broken"), false);
        assertTrue(second.success(), second.toString());
        assertEquals(DeployFixture.IMAGE, model.image);
        assertTrue(model.requests.stream().filter(q -> q.query().contains("force=true")).count() == 1, "only the undo forces");
    }

    /**
     * The same for a StatefulSet: restored to its template before the deploy by server-side apply (a real server
     * then makes a ControllerRevision for it, as kubectl's undo would).
     */
    @Test
    void aStatefulSetThatDoesNotBecomeReadyIsUndoneToItsTemplateBeforeTheDeploy() throws Exception {
        Files.writeString(dir.resolve("deploy/k8s/cache.yaml"), """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: cache}
                spec:
                  replicas: 3
                  serviceName: cache
                  selector: {matchLabels: {app: cache}}
                  template:
                    metadata: {labels: {app: cache}}
                    spec:
                      containers: [{name: cache, image: "${IMAGE}"}]
                """);
        stubAllApplies("fieldManager=dbpromote");
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        seedDeployment(DeployFixture.IMAGE);
        writeStatus(new DeploymentStatusBuilder().withObservedGeneration(generation()).withReplicas(2).withUpdatedReplicas(2)
                .withAvailableReplicas(2).build());
        var sts = kube.fabric8.apps().statefulSets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                .withNewMetadata().withName("cache").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(3).withServiceName("cache").withNewSelector().addToMatchLabels("app", "cache").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "cache").endMetadata()
                .withNewSpec().addNewContainer().withName("cache").withImage(OLD_IMAGE).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        sts.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder().withObservedGeneration(sts.getMetadata().getGeneration())
                .withReplicas(3).withReadyReplicas(3).withCurrentRevision("cache-r1").withUpdateRevision("cache-r1").build());
        sts = kube.fabric8.apps().statefulSets().inNamespace(NS).resource(sts).updateStatus();
        kube.fabric8.apps().controllerRevisions().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder()
                .withNewMetadata().withName("cache-r1").withNamespace(NS).addToLabels("app", "cache").endMetadata().withRevision(1L)
                .build()).create();
        SsaWorkload model = new SsaWorkload(sts, OLD_IMAGE, "dbpromote (Apply)").on(kube, "/apis/apps/v1/namespaces/" + NS + "/statefulsets/cache");

        DeployResult r = deploy(new java.util.ArrayList<>(), millis -> {
            Thread.sleep(Math.min(millis, 100));
            var current = kube.fabric8.apps().statefulSets().inNamespace(NS).withName("cache").get();
            if (!model.image.equals(current.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())) {
                current = kube.fabric8.apps().statefulSets().inNamespace(NS).withName("cache").edit(s -> new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder(s)
                        .editSpec().editTemplate().editSpec().editFirstContainer().withImage(model.image).endContainer().endSpec()
                        .endTemplate().endSpec().build());
            }
            boolean broken = model.image.equals(DeployFixture.IMAGE);
            current.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                    .withObservedGeneration(Math.max(current.getMetadata().getGeneration(), model.generation)).withReplicas(3)
                    .withReadyReplicas(broken ? 1 : 3).withCurrentReplicas(3).withCurrentRevision("cache-r1")
                    .withUpdateRevision("cache-r1").build());
            kube.fabric8.apps().statefulSets().inNamespace(NS).resource(current).updateStatus();
        }, false, Duration.ofSeconds(2));

        assertFalse(r.success());
        assertEquals("rolled-back", r.outcome());
        DeployResult.Rollout cache = r.rollouts().stream().filter(x -> x.workload().equals("StatefulSet/cache")).findFirst().orElseThrow();
        assertEquals(1L, cache.rolledBackTo());
        assertEquals(OLD_IMAGE, cache.runningImage());
        assertTrue(cache.message().contains("did not finish rolling out within 2s") && cache.message().contains("Waiting for 2 pods to be ready"),
                cache.message());
        SsaWorkload.Request undo = model.requests.get(model.requests.size() - 1);
        assertTrue(undo.apply() && undo.query().contains("force=true") && undo.body().contains(OLD_IMAGE), undo.toString());
        assertEquals(OLD_IMAGE, model.image);
    }

    @Test
    void aFailedFirstDeployIsLeftForInspectionAndExitsOne() throws Exception {
        stubAllApplies("fieldManager=dbpromote");
        seedDeployment(DeployFixture.IMAGE);
        List<String> progress = new java.util.ArrayList<>();
        DeployResult r = deploy(progress, millis -> writeStatus(new DeploymentStatusBuilder().withObservedGeneration(generation())
                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                        .withReason("ProgressDeadlineExceeded").build()).build()), false);
        assertFalse(r.success());
        assertEquals("failed-first-deploy", r.outcome());
        assertTrue(String.join("\n", r.warnings()).contains("did not exist before this deploy (first deploy): nothing to roll back to, left in place"), r.warnings().toString());
        assertEquals(DeployFixture.IMAGE, currentImage());
    }

    @Test
    void anExistingNamespaceWithoutOurLabelIsReportedAndNotRelabelled() throws Exception {
        stubAllApplies("fieldManager=dbpromote");
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        seedDeployment(DeployFixture.IMAGE);
        DeployResult r = deploy(new java.util.ArrayList<>(), millis -> writeStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(generation()).withReplicas(2).withUpdatedReplicas(2).withAvailableReplicas(2).build()), false);
        assertTrue(r.success(), r.toString());
        assertEquals("foreign", r.namespaceState());
        assertTrue(r.warnings().get(r.warnings().size() - 1).contains("not labelled app.kubernetes.io/managed-by=dbpromote"));
        assertTrue(kube.requests().stream().noneMatch(q -> q.getMethod().equals("PATCH") && q.getPath().startsWith("/api/v1/namespaces/" + NS + "?")));
    }

    @Test
    void cliDeployAndDestroyAgainstTheMockServer() throws Exception {
        stubAllApplies("fieldManager=dbpromote");
        seedDeployment(DeployFixture.IMAGE);
        writeStatus(new DeploymentStatusBuilder().withObservedGeneration(generation()).withReplicas(2).withUpdatedReplicas(2)
                .withAvailableReplicas(2).build());
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--timeout", "30s");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("rolled-out") && r.err().contains("context 'test-ctx'"), r.toString());
        assertFalse((r.out() + r.err()).contains(DeployFixture.PASSWORD) || (r.out() + r.err()).contains("tok-SECRET-123"));

        // destroy: a namespace someone else made is refused; ours is deleted
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        CliRun.Result refused = CliRun.in(dir).run("deploy", "destroy", "--env", "dev", "--pr", "42");
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("Namespace 'orders-pr-42' is not managed by dbpromote") && refused.err().contains("refusing"), refused.err());
        assertNotNull(kube.fabric8.namespaces().withName(NS).get());

        kube.fabric8.namespaces().withName(NS).edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("app.kubernetes.io/managed-by", "dbpromote").addToLabels("dbpromote/app", "orders").endMetadata().build());
        CliRun.Result destroyed = CliRun.in(dir).run("deploy", "destroy", "--env", "dev", "--pr", "42");
        assertEquals(0, destroyed.exitCode(), destroyed.toString());
        assertTrue(destroyed.out().contains("deleted"), destroyed.out());
        assertNull(kube.fabric8.namespaces().withName(NS).get());
    }

    @Test
    void theCliExitsOneOnAFailedRolloutAndTheNextEnvironmentReusesTheRecordedDigest() throws Exception {
        stubAllApplies("fieldManager=dbpromote");
        seedDeployment(DeployFixture.IMAGE);
        writeStatus(new DeploymentStatusBuilder().withObservedGeneration(generation()).withConditions(new DeploymentConditionBuilder()
                .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded").build()).build());
        CliRun.Result failed = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.out().contains("failed-first-deploy (FAILED)"), failed.out()); // a new PR namespace: a first deploy
        assertTrue(failed.err().contains("exceeded its progress deadline"), failed.err());

        new EnvironmentStore(dir.resolve(".dbpromote")).save(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-42")
                .orElseThrow().withAttribute("image", DeployFixture.IMAGE));
        CliRun.Result promoted = CliRun.in(dir).run("deploy", "--env", "production", "--image-from", "dev-pr-42", "--dry-run",
                "--config", "dbpromote.yaml");
        // The point here is which image production would get: rendered before any cluster call.
        assertTrue(Files.readString(dir.resolve(".dbpromote/deploy/production/05-deployment-orders.yaml"))
                .contains("image: " + DeployFixture.IMAGE), promoted.toString());
        CliRun.Result none = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image-from", "staging", "--dry-run");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("No image is recorded for staging"), none.err());
    }

    @Test
    void forbiddenAndUnauthorizedNameTheContextAndThePermission() throws Exception {
        kube.server.expect().get().withPath("/api/v1/namespaces/" + NS).andReturn(403, """
                {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                 "message":"namespaces \\"orders-pr-42\\" is forbidden: User \\"system:serviceaccount:ci:deployer\\" cannot get resource \\"namespaces\\""}
                """).once();
        CliRun.Result forbidden = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, forbidden.exitCode(), forbidden.toString());
        assertTrue(forbidden.err().contains("context 'test-ctx'") && forbidden.err().contains("permission to 'get' namespaces")
                && forbidden.err().contains("403 Forbidden") && forbidden.err().contains("verbs: [\"get\"]"), forbidden.err());

        kube.server.expect().get().withPath("/api/v1/namespaces/" + NS).andReturn(401, "{\"kind\":\"Status\",\"code\":401,\"message\":\"Unauthorized\"}").once();
        CliRun.Result unauthorized = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, unauthorized.exitCode(), unauthorized.toString());
        assertTrue(unauthorized.err().contains("rejected the credentials of context 'test-ctx'"), unauthorized.err());
        assertFalse(unauthorized.err().contains("tok-SECRET-123"));
    }

    /**
     * Issue 12 item 8: a real server rejects an invalid object in the server-side dry run exactly as in the real
     * apply (same admission and validation, nothing persisted). dbpromote checks everything that way first, so a
     * rejection changes nothing: the namespace it created for the check is deleted again, and exit 2 is true.
     */
    @Test
    void aRejectedObjectIsFoundByTheDryRunBeforeAnythingIsAppliedAndNeverEchoesThePassword() throws Exception {
        kube.stubApply("/api/v1/namespaces/" + NS, "fieldManager=dbpromote", "Namespace");
        kube.server.expect().patch().withPath("/api/v1/namespaces/" + NS + "/secrets/orders-db?dryRun=All&fieldManager=dbpromote")
                .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"message\":\"Secret \\\"orders-db\\\" is invalid: stringData[password]: Invalid value: \\\""
                        + DeployFixture.PASSWORD + "\\\"\"}").always();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Invalid value") && r.err().contains("******"), r.err());
        assertTrue(r.err().contains("server-side dry run before anything else was applied") && r.err().contains("deleted again"), r.err());
        assertFalse(r.err().contains(DeployFixture.PASSWORD) || r.out().contains(DeployFixture.PASSWORD), r.err());
        assertFalse(DeployFixture.workspaceText(dir).contains(DeployFixture.PASSWORD));
        List<RecordedRequest> requests = kube.requests();
        assertTrue(requests.stream().noneMatch(q -> q.getMethod().equals("PATCH") && !q.getPath().contains("dryRun")
                && !q.getPath().startsWith("/api/v1/namespaces/" + NS + "?")), "only the namespace was really applied");
        assertTrue(requests.stream().anyMatch(q -> q.getMethod().equals("DELETE") && q.getPath().equals("/api/v1/namespaces/" + NS)),
                "and deleted again");
    }

    /**
     * Issue 12 item 8, where a dry run cannot see it: a real server can still refuse an object in the real apply
     * after its dry run passed (another writer in between, an admission webhook with side effects declared). Then
     * objects before it are applied: exit 1 with the list, never exit 2 "nothing changed".
     */
    @Test
    void anObjectRejectedAfterOthersWereAppliedIsExitOneWithWhatWasApplied() throws Exception {
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        kube.server.expect().patch().withPath("/api/v1/namespaces/" + NS + "/services/orders?fieldManager=dbpromote")
                .andReturn(422, "{\"kind\":\"Status\",\"code\":422,\"message\":\"Service \\\"orders\\\" is invalid: spec.clusterIP: field is immutable\"}")
                .always();
        stubAllApplies("fieldManager=dbpromote"); // the service's dry run passes; its real apply gets the 422 above
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--output", "json");
        assertEquals(1, r.exitCode(), r.toString());
        var json = dev.dbpromote.core.Json.mapper().readTree(r.out());
        assertEquals("apply-failed", json.get("outcome").asText());
        String diag = json.get("diagnostics").toString();
        assertTrue(diag.contains("field is immutable") && diag.contains("Already applied in this run (left in place): Namespace/orders-pr-42 (foreign,"
                + " not re-applied), Secret/orders-db, ConfigMap/orders-config"), diag);
        assertFalse(diag.contains("Deployment/orders"), diag);
    }

    @Test
    void anInPlaceEnvironmentRecordsItsDigestWithoutAnEnvironmentRecord() throws Exception {
        String ns = "orders";
        kube.stubApply("/api/v1/namespaces/" + ns, "fieldManager=dbpromote", "Namespace");
        kube.stubApply("/api/v1/namespaces/" + ns + "/secrets/orders-db", "fieldManager=dbpromote", "Secret");
        kube.stubApply("/api/v1/namespaces/" + ns + "/configmaps/orders-config", "fieldManager=dbpromote", "ConfigMap");
        kube.stubApply("/api/v1/namespaces/" + ns + "/services/orders", "fieldManager=dbpromote", "Service");
        kube.stubApply("/apis/apps/v1/namespaces/" + ns + "/deployments/orders", "fieldManager=dbpromote", "Deployment");
        Deployment d = new DeploymentBuilder(seedDeployment(DeployFixture.IMAGE)).editMetadata().withNamespace(ns)
                .withResourceVersion(null).withUid(null).endMetadata().build();
        d = kube.fabric8.apps().deployments().inNamespace(ns).resource(d).create();
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(2)
                .withUpdatedReplicas(2).withAvailableReplicas(2).build());
        kube.fabric8.apps().deployments().inNamespace(ns).resource(d).updateStatus();

        CliRun.Result r = CliRun.in(dir).env("ORDERS_DB_PASSWORD", "prod-pw-77").run("deploy", "--env", "production",
                "--image-from", "x", "--dry-run");
        assertEquals(2, r.exitCode(), "no image recorded for 'x'");
        r = CliRun.in(dir).env("ORDERS_DB_PASSWORD", "prod-pw-77").run("deploy", "--env", "production", "--image", DeployFixture.IMAGE);
        assertEquals(0, r.exitCode(), r.toString());
        Config config = new ConfigLoader(Map.<String, String>of()::get).load(dir.resolve("dbpromote.yaml"));
        assertEquals(DeployFixture.IMAGE, K8sDeploy.recordedImage(config, "production"));
        assertTrue(new EnvironmentStore(dir.resolve(".dbpromote")).find("production").isEmpty(),
                "no record, so Targets keeps using the in-place config");
        assertFalse((r.out() + r.err() + DeployFixture.workspaceText(dir)).contains("prod-pw-77"));
    }

    @Test
    void aFieldOwnershipConflictSuggestsForceConflicts() throws Exception {
        kube.stubApply("/api/v1/namespaces/" + NS, "fieldManager=dbpromote", "Namespace");
        kube.stubApply("/api/v1/namespaces/" + NS + "/secrets/orders-db", "fieldManager=dbpromote", "Secret");
        kube.server.expect().patch().withPath("/api/v1/namespaces/" + NS + "/configmaps/orders-config?dryRun=All&fieldManager=dbpromote")
                .andReturn(409, "{\"kind\":\"Status\",\"code\":409,\"reason\":\"Conflict\",\"message\":\"Apply failed with 1 conflict:"
                        + " conflict with \\\"kubectl-edit\\\": .data.env\"}").always();
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("deploy/k8s/config.yml:1") && r.err().contains("conflict with \"kubectl-edit\"")
                && r.err().contains("--force-conflicts"), r.err());
    }

    @Test
    void aProtectedEnvironmentsNamespaceIsNeverDestroyed() throws Exception {
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("orders")
                .addToLabels("app.kubernetes.io/managed-by", "dbpromote").addToLabels("dbpromote/app", "orders").endMetadata().build()).create();
        CliRun.Result r = CliRun.in(dir).run("deploy", "destroy", "--env", "production");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("protected"), r.err());
        assertNotNull(kube.fabric8.namespaces().withName("orders").get());
    }

    @Test
    void theContextComesFromDeployContextAndAMissingOneIsNamed() throws Exception {
        Path file = dir.resolve("two-contexts");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                current-context: prod
                contexts:
                  - {name: prod, context: {cluster: prod, user: u}}
                  - {name: ci, context: {cluster: ci, user: u}}
                clusters:
                  - {name: prod, cluster: {server: "https://prod.invalid:6443"}}
                  - {name: ci, cluster: {server: "%s"}}
                users:
                  - {name: u, user: {token: t}}
                """.formatted(kube.url()));
        KubeConnection c = KubeAccess.fromFile(file, "ci", "test");
        assertEquals("ci", c.context());
        assertEquals(kube.url(), c.server());
        assertEquals("prod", KubeAccess.fromFile(file, null, "test").context());
        dev.dbpromote.core.DbPromoteException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.dbpromote.core.DbPromoteException.class, () -> KubeAccess.fromFile(file, "staging", "test"));
        assertTrue(e.getMessage().contains("Context 'staging' (deploy.context) is not in kubeconfig"), e.getMessage());
    }

    @Test
    void anUnreachableApiServerIsAnExternalFailure() throws Exception {
        KubeMock.kubeconfig(dir, "http://127.0.0.1:1");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE);
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Cannot reach the Kubernetes API server http://127.0.0.1:1") && r.err().contains("test-ctx"), r.err());
    }

    @Test
    void serverSideDryRunSendsDryRunAllAndRecordsNothing() throws Exception {
        kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("app.kubernetes.io/managed-by", "dbpromote").endMetadata().build()).create();
        stubAllApplies("dryRun=All&fieldManager=dbpromote");
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", DeployFixture.IMAGE, "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("dry-run"), r.out());
        List<RecordedRequest> patches = kube.requests().stream().filter(q -> q.getMethod().equals("PATCH")).toList();
        assertEquals(5, patches.size());
        assertTrue(patches.stream().allMatch(p -> p.getPath().contains("dryRun=All")));
        assertNull(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-42").orElseThrow().attributes().get("image"));
        assertTrue(Files.isDirectory(dir.resolve(".dbpromote/deploy/dev-pr-42")));
    }
}
