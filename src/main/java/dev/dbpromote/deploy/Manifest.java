package dev.dbpromote.deploy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Kubernetes object read from the manifests (or made by dbpromote: the namespace and the DB
 * Secret), with where it came from for messages.
 *
 * @param source {@code deploy/k8s/app.yaml:12}, or {@code dbpromote} for generated objects
 * @param body the object as it will be sent (placeholders resolved, labels and namespace set)
 */
public record Manifest(String source, String apiVersion, String kind, String name, String namespace,
        Map<String, Object> body) {

    /** {@code Deployment/orders}. */
    public String id() {
        return kind + "/" + name;
    }

    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    public String version() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata() {
        return (Map<String, Object>) body.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    }
}
