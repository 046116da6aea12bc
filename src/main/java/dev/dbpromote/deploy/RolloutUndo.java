package dev.dbpromote.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Undo of what <em>this</em> deploy changed, and nothing else.
 *
 * <p>{@code kubectl rollout undo} (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go) goes back to the
 * revision before the newest one. After a deploy that did not create a revision (the same image re-applied
 * while a pod is failing) that is an older build, and after an earlier undo it is the build that was just
 * rolled back as broken. So dbpromote differs on purpose: before applying it remembers each workload's pod
 * template and revision ({@link #capture}); it undoes only when its own apply changed the pod template
 * (= created a new revision, {@link #changedTemplate}), and then restores exactly the template that was
 * current before the run ({@link #restore}).
 *
 * <p>The restore is a server-side apply as field manager {@code dbpromote} (operation Apply), the same
 * identity as the deploy's own apply. kubectl's undo is a patch (operation Update, manager "kubectl-rollout"
 * or the client's User-Agent), which the next server-side apply meets as another manager's fields: a 409
 * conflict (kubernetes/kubernetes#112826).
 */
final class RolloutUndo {

    static final String REVISION = "deployment.kubernetes.io/revision";

    /**
     * A workload as it was before this run's apply.
     *
     * @param template its {@code spec.template} as the API server held it
     * @param revision Deployment: {@code deployment.kubernetes.io/revision}; StatefulSet: its ControllerRevision's number; null when unknown
     * @param revisionName Deployment: the ReplicaSet's {@code pod-template-hash}; StatefulSet: {@code status.updateRevision}
     */
    record Before(JsonNode template, Long revision, String revisionName) {

        /** Container name to image, from the remembered template. */
        Map<String, String> images() {
            return RolloutUndo.images(template);
        }
    }

    private final KubeConnection c;
    private final Progress progress;

    RolloutUndo(KubeConnection c, Progress progress) {
        this.c = c;
        this.progress = progress;
    }

    /** The workload before the apply; empty when it does not exist yet (a first deploy: nothing to undo to). */
    Optional<Before> capture(KubeApplier applier, Manifest w) {
        Optional<JsonNode> current = applier.read(w);
        if (current.isEmpty() || current.get().at("/spec/template").isMissingNode()) {
            return Optional.empty();
        }
        JsonNode o = current.get();
        JsonNode template = o.at("/spec/template").deepCopy();
        if (w.kind().equals("StatefulSet")) {
            String name = o.at("/status/updateRevision").asText(null);
            return Optional.of(new Before(template, controllerRevision(w.namespace(), name), name));
        }
        String rev = o.at("/metadata/annotations").path(REVISION).asText(null);
        Long revision = rev == null ? null : parse(rev);
        return Optional.of(new Before(template, revision, podTemplateHash(w, o, revision)));
    }

    /**
     * Whether the apply created a new revision: the Deployment and StatefulSet controllers make one exactly
     * when {@code spec.template} changes (a replicas or strategy change does not).
     *
     * @param after the object as the API server answered the apply
     */
    static boolean changedTemplate(Before before, JsonNode after) {
        JsonNode template = after.at("/spec/template");
        return !template.isMissingNode() && !template.equals(before.template());
    }

    /**
     * Server-side applies {@code applied} (this run's object, so every field dbpromote owns stays as it is)
     * with {@code spec.template} set back to {@code before.template()}. Forced: the template's fields get
     * exactly the values they had before this run, including ones another manager had set to those values.
     */
    JsonNode restore(KubeApplier applier, Manifest applied, Before before) {
        Map<String, Object> body = new LinkedHashMap<>(applied.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) body.get("spec"));
        spec.put("template", Json.mapper().convertValue(before.template(), Map.class));
        body.put("spec", spec);
        JsonNode after = applier.apply(new Manifest(applied.source(), applied.apiVersion(), applied.kind(), applied.name(),
                applied.namespace(), body), null, true);
        progress.line("  rolled back %s to the pod template it had before this deploy (%s, image %s), as field manager %s",
                applied.id(), describe(before), String.join(", ", before.images().values()), DeployPlanner.MANAGER);
        return after;
    }

    static String describe(Before b) {
        return (b.revision() == null ? "revision unknown" : "revision " + b.revision())
                + (b.revisionName() == null ? "" : ", " + b.revisionName());
    }

    static Map<String, String> images(JsonNode template) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("initContainers", "containers")) {
            for (JsonNode container : template.at("/spec/" + key)) {
                out.put(container.path("name").asText(), container.path("image").asText());
            }
        }
        return out;
    }

    /** The pod-template-hash of the ReplicaSet that carries {@code revision}; best effort, for the report. */
    private String podTemplateHash(Manifest w, JsonNode deployment, Long revision) {
        if (revision == null) {
            return null;
        }
        try {
            JsonNode matchLabels = deployment.at("/spec/selector/matchLabels");
            List<String> parts = new ArrayList<>();
            matchLabels.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
            String uid = deployment.at("/metadata/uid").asText("");
            for (V1ReplicaSet rs : new AppsV1Api(c.client()).listNamespacedReplicaSet(w.namespace())
                    .labelSelector(parts.isEmpty() ? null : parts.stream().collect(Collectors.joining(","))).execute().getItems()) {
                boolean ours = rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid()));
                Map<String, String> a = rs.getMetadata().getAnnotations();
                if (ours && a != null && String.valueOf(revision).equals(a.get(REVISION)) && rs.getMetadata().getLabels() != null) {
                    return rs.getMetadata().getLabels().get("pod-template-hash");
                }
            }
        } catch (ApiException | RuntimeException e) {
            progress.line("  (could not read the ReplicaSets of %s: %s)", w.id(), e.getMessage());
        }
        return null;
    }

    private Long controllerRevision(String namespace, String name) {
        if (name == null) {
            return null;
        }
        try {
            return new AppsV1Api(c.client()).readNamespacedControllerRevision(name, namespace).execute().getRevision();
        } catch (ApiException | RuntimeException e) {
            return null;
        }
    }

    private static Long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
