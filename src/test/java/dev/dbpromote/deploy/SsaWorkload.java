package dev.dbpromote.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbpromote.core.Json;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a real API server does with PATCHes of one workload, reduced to the one field these tests are about:
 * the image of its first container, and who owns it (kubernetes.io/docs/reference/using-api/server-side-apply/).
 * fabric8's CRUD mock answers server-side apply with 415, so this model answers it instead:
 * <ul>
 *   <li>Apply ({@code application/apply-patch+yaml}) as manager M: if the image changes and its owner is not
 *       (M, Apply), 409 "conflict with OWNER" unless {@code force=true}; else the image and ownership are taken.
 *       {@code dryRun=All} answers the same and changes nothing.</li>
 *   <li>Any other PATCH (JSON/strategic merge: operation Update) takes ownership for its {@code fieldManager}, or,
 *       without one, for the client's User-Agent ("Kubernetes Java Client"), as the real server does.</li>
 * </ul>
 * The answer is the workload as the test created it in the CRUD store, with the model's image: what a real
 * server returns. The test copies the image into the CRUD store when it plays the controller (the real server
 * would have persisted it; the mock cannot be called back from inside its own dispatcher).
 * Request bodies are read here (reading consumes them), so {@link #requests} keeps them.
 */
final class SsaWorkload implements ResponseProvider<Object> {

    /** One PATCH as received. */
    record Request(String query, String contentType, String body) {
        boolean apply() {
            return "application/apply-patch+yaml".equals(contentType);
        }

        boolean dryRun() {
            return query.contains("dryRun=All");
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<RecordedRequest, Object[]> answers = new IdentityHashMap<>();
    private final ObjectNode stored;
    volatile String image;
    volatile String owner;
    /** metadata.generation: a real server adds one for every change of the spec. */
    volatile long generation;

    /** @param created the workload as the CRUD store holds it (fabric8's answer to create) */
    SsaWorkload(Object created, String image, String owner) {
        this.stored = (ObjectNode) Json.mapper().valueToTree(toMap(created));
        this.image = image;
        this.owner = owner;
        this.generation = stored.at("/metadata/generation").asLong(1);
    }

    private static Object toMap(Object fabric8Object) {
        try {
            return Json.mapper().readValue(new io.fabric8.kubernetes.client.utils.KubernetesSerialization().asJson(fabric8Object), Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers this model for every PATCH of {@code path} dbpromote (or the pre-fix undo) may send. */
    SsaWorkload on(KubeMock kube, String path) {
        for (String q : List.of("", "?fieldManager=dbpromote", "?dryRun=All&fieldManager=dbpromote", "?fieldManager=dbpromote&force=true",
                "?dryRun=All&fieldManager=dbpromote&force=true")) {
            kube.server.expect().patch().withPath(path + q).andReply(this).always();
        }
        return this;
    }

    private synchronized Object[] answer(RecordedRequest r) {
        return answers.computeIfAbsent(r, this::handle);
    }

    private Object[] handle(RecordedRequest r) {
        String path = r.getPath();
        String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
        Request req = new Request(query, r.getHeader("Content-Type"), r.getUtf8Body());
        requests.add(req);
        String manager = query.contains("fieldManager=") ? query.replaceAll(".*fieldManager=([^&]*).*", "$1") : "Kubernetes Java Client";
        String identity = manager + (req.apply() ? " (Apply)" : " (Update)");
        String wanted = imageIn(req);
        if (wanted == null) {
            return new Object[] {200, body(image, generation)};
        }
        if (req.apply() && !wanted.equals(image) && !identity.equals(owner) && !query.contains("force=true")) {
            String who = owner.replace(" (Update)", "").replace(" (Apply)", "");
            return new Object[] {409, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":409,"
                    + "\"message\":\"Apply failed with 1 conflict: conflict with \\\"" + who + "\\\" using apps/v1:"
                    + " .spec.template.spec.containers[name=\\\"orders\\\"].image\"}"};
        }
        long gen = generation + (wanted.equals(image) ? 0 : 1);
        if (!req.dryRun()) {
            image = wanted;
            owner = identity;
            generation = gen;
        }
        return new Object[] {200, body(wanted, gen)};
    }

    /** The first container's image this request sets, or null when it sets none. */
    private static String imageIn(Request req) {
        try {
            JsonNode body = req.apply() ? Json.mapper().readTree(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(req.body()).toString())
                    : Json.mapper().readTree(req.body());
            if (body.isArray()) { // JSON patch: the pre-fix undo replaced /spec/template
                for (JsonNode op : body) {
                    if ("/spec/template".equals(op.path("path").asText())) {
                        return op.at("/value/spec/containers/0/image").asText(null);
                    }
                }
                return null;
            }
            return body.at("/spec/template/spec/containers/0/image").asText(null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String body(String withImage, long gen) {
        ObjectNode copy = stored.deepCopy();
        ((ObjectNode) copy.get("metadata")).put("generation", gen);
        ((ObjectNode) copy.at("/spec/template/spec/containers/0")).put("image", withImage);
        return copy.toString();
    }

    @Override
    public Object getBody(RecordedRequest request) {
        return answer(request)[1];
    }

    @Override
    public int getStatusCode(RecordedRequest request) {
        return (Integer) answer(request)[0];
    }

    @Override
    public Headers getHeaders() {
        return Headers.builder().build();
    }

    @Override
    public void setHeaders(Headers headers) {
    }
}
