package dev.dbpromote.deploy;

import io.kubernetes.client.Discovery;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1APIResourceList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API discovery for kinds the client has no model for, as kubectl does before it applies a custom
 * resource: {@code GET /apis/<group>/<version>} lists the resources the server serves there, each
 * with its kind, plural and scope (kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api).
 * One request per group/version and deploy.
 */
final class KubeDiscovery {

    /** How a kind is served: the plural in its URL and whether objects live in a namespace. */
    record Resource(String plural, boolean namespaced) {
    }

    private final KubeConnection c;
    private final Map<String, Optional<V1APIResourceList>> cache = new HashMap<>();

    KubeDiscovery(KubeConnection c) {
        this.c = c;
    }

    /** Empty when the server does not serve {@code kind} in {@code apiVersion} (group/version unknown, or no such kind). */
    Optional<Resource> find(String apiVersion, String kind) {
        String path = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        Optional<V1APIResourceList> list = cache.computeIfAbsent(path, p -> {
            try {
                return Optional.ofNullable(new Discovery(c.client()).resourceDiscovery(p));
            } catch (ApiException e) {
                if (e.getCode() == 404) {
                    return Optional.empty(); // group/version not served: no CRD for it is installed
                }
                throw KubeErrors.of(c, e, "get", "", "API discovery " + p, null, null);
            }
        });
        return list.flatMap(l -> l.getResources().stream()
                .filter(r -> kind.equals(r.getKind()) && r.getName() != null && !r.getName().contains("/"))
                .findFirst()
                .map((V1APIResource r) -> new Resource(r.getName(), Boolean.TRUE.equals(r.getNamespaced()))));
    }
}
