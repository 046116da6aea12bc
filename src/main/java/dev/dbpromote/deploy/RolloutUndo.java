package dev.dbpromote.deploy;

import dev.dbpromote.core.Progress;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kubectl rollout undo deployment/NAME} (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go,
 * DeploymentRollbacker with toRevision 0): find the Deployment's ReplicaSets (controller owner = this
 * Deployment), take the one with the highest {@code deployment.kubernetes.io/revision} below the
 * current one, and JSON-patch the Deployment (replace the template, add = set the annotations even when the map is absent)'s {@code /spec/template} back to its pod template (without
 * the {@code pod-template-hash} label) and its annotations, so the Deployment controller rolls to it
 * as a new revision.
 */
final class RolloutUndo {

    static final String REVISION = "deployment.kubernetes.io/revision";
    /** Annotations kubectl does not copy between Deployment and ReplicaSet. */
    private static final Set<String> SKIP = Set.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
            "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
            "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to");

    private final KubeConnection c;
    private final Progress progress;

    RolloutUndo(KubeConnection c, Progress progress) {
        this.c = c;
        this.progress = progress;
    }

    /** @return the revision rolled back to, or empty when there is none (a first deploy) */
    Optional<Long> undo(String namespace, String name) {
        AppsV1Api apps = new AppsV1Api(c.client());
        V1Deployment d;
        List<V1ReplicaSet> owned;
        try {
            d = apps.readNamespacedDeployment(name, namespace).execute();
            if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
                throw dev.dbpromote.core.DbPromoteException.invalid("Deployment " + name + " in " + namespace
                        + " is paused; kubectl refuses to roll back a paused deployment and so does dbpromote."
                        + " Resume it (kubectl rollout resume) and undo by hand.");
            }
            String selector = d.getSpec().getSelector().getMatchLabels() == null ? null
                    : d.getSpec().getSelector().getMatchLabels().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            String uid = d.getMetadata().getUid();
            owned = apps.listNamespacedReplicaSet(namespace).labelSelector(selector).execute().getItems().stream()
                    .filter(rs -> controlledBy(rs, uid)).toList();
        } catch (ApiException e) {
            throw KubeErrors.of(c, e, "list", "apps", "replicasets", namespace, null);
        }
        long current = owned.stream().mapToLong(RolloutUndo::revision).max().orElse(0);
        Optional<V1ReplicaSet> previous = owned.stream().filter(rs -> revision(rs) > 0 && revision(rs) < current)
                .max((a, b) -> Long.compare(revision(a), revision(b)));
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        V1ReplicaSet rs = previous.get();
        V1PodTemplateSpec template = rs.getSpec().getTemplate();
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
            labels.remove("pod-template-hash");
            template.getMetadata().setLabels(labels);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!SKIP.contains(k)) {
                    annotations.put(k, v);
                }
            });
        }
        if (rs.getMetadata().getAnnotations() != null) {
            rs.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!SKIP.contains(k)) {
                    annotations.put(k, v);
                }
            });
        }
        List<Map<String, Object>> patch = List.of(
                Map.of("op", "replace", "path", "/spec/template", "value", template),
                Map.of("op", "add", "path", "/metadata/annotations", "value", annotations));
        String json = c.client().getJSON().serialize(patch);
        KubernetesApiResponse<DynamicKubernetesObject> r;
        try {
            r = new DynamicKubernetesApi("apps", "v1", "deployments", c.client())
                    .patch(namespace, name, V1Patch.PATCH_FORMAT_JSON_PATCH, new V1Patch(json));
        } catch (RuntimeException e) {
            throw KubeErrors.of(c, 0, null, e, "patch", "apps", "deployments", namespace, name);
        }
        if (!r.isSuccess()) {
            throw KubeErrors.of(c, r.getHttpStatusCode(), r.getStatus(), "patch", "apps", "deployments", namespace, name);
        }
        progress.line("  rolled back deployment/%s to revision %d (its pod template, as 'kubectl rollout undo' does)", name, revision(rs));
        return Optional.of(revision(rs));
    }

    /**
     * {@code kubectl rollout undo statefulset/NAME} (StatefulSetRollbacker, toRevision 0): the
     * StatefulSet's ControllerRevisions sorted by revision, the second newest one, and its {@code data}
     * (a strategic merge patch of the pod template) patched onto the StatefulSet.
     *
     * @return the revision rolled back to, or empty when there is no earlier one
     */
    Optional<Long> undoStatefulSet(String namespace, String name) {
        AppsV1Api apps = new AppsV1Api(c.client());
        List<io.kubernetes.client.openapi.models.V1ControllerRevision> history;
        try {
            var sts = apps.readNamespacedStatefulSet(name, namespace).execute();
            String selector = sts.getSpec().getSelector().getMatchLabels() == null ? null
                    : sts.getSpec().getSelector().getMatchLabels().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            String uid = sts.getMetadata().getUid();
            history = apps.listNamespacedControllerRevision(namespace).labelSelector(selector).execute().getItems().stream()
                    .filter(cr -> cr.getMetadata().getOwnerReferences() != null && cr.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid != null && uid.equals(o.getUid())))
                    .sorted((a, b) -> Long.compare(a.getRevision(), b.getRevision()))
                    .toList();
        } catch (ApiException e) {
            throw KubeErrors.of(c, e, "list", "apps", "controllerrevisions", namespace, null);
        }
        if (history.size() <= 1) {
            return Optional.empty();
        }
        var previous = history.get(history.size() - 2);
        String json = c.client().getJSON().serialize(previous.getData());
        KubernetesApiResponse<DynamicKubernetesObject> r;
        try {
            r = new DynamicKubernetesApi("apps", "v1", "statefulsets", c.client())
                    .patch(namespace, name, V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, new V1Patch(json));
        } catch (RuntimeException e) {
            throw KubeErrors.of(c, 0, null, e, "patch", "apps", "statefulsets", namespace, name);
        }
        if (!r.isSuccess()) {
            throw KubeErrors.of(c, r.getHttpStatusCode(), r.getStatus(), "patch", "apps", "statefulsets", namespace, name);
        }
        progress.line("  rolled back statefulset/%s to revision %d (its ControllerRevision, as 'kubectl rollout undo' does)",
                name, previous.getRevision());
        return Optional.of(previous.getRevision());
    }

    private static boolean controlledBy(V1ReplicaSet rs, String uid) {
        List<V1OwnerReference> refs = rs.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid != null && uid.equals(o.getUid()));
    }

    static long revision(V1ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        try {
            return a == null || a.get(REVISION) == null ? 0 : Long.parseLong(a.get(REVISION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
