package dev.dbpromote.deploy;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side apply (PATCH {@code application/apply-patch+yaml}, field manager {@code dbpromote}, the
 * body being the whole desired object), which is what {@code kubectl apply --server-side} sends: the
 * API server merges, tracks field ownership and refuses to take fields another manager owns unless
 * {@code force=true} (kubernetes.io/docs/reference/using-api/server-side-apply/).
 */
final class KubeApplier {

    private final KubeConnection c;
    private final Progress progress;
    private final boolean force;
    private final boolean dryRun;
    /** Plurals found by API discovery for custom resources, keyed by {@link #key}. */
    private final Map<String, String> plurals;

    KubeApplier(KubeConnection c, Progress progress, boolean force, boolean dryRun) {
        this(c, progress, force, dryRun, Map.of());
    }

    KubeApplier(KubeConnection c, Progress progress, boolean force, boolean dryRun, Map<String, String> plurals) {
        this.c = c;
        this.progress = progress;
        this.force = force;
        this.dryRun = dryRun;
        this.plurals = plurals;
    }

    static String key(Manifest m) {
        return m.apiVersion() + "/" + m.kind();
    }

    String plural(Manifest m) {
        return plurals.getOrDefault(key(m), KubeKinds.plural(m.kind()));
    }

    /** The object as the API server holds it now, or empty when it does not exist. */
    Optional<JsonNode> read(Manifest m) {
        String plural = plural(m);
        DynamicKubernetesApi api = new DynamicKubernetesApi(m.group(), m.version(), plural, c.client());
        KubernetesApiResponse<DynamicKubernetesObject> r;
        try {
            r = m.namespace() == null ? api.get(m.name()) : api.get(m.namespace(), m.name());
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ApiException api404 && api404.getCode() == 404) {
                    return Optional.empty(); // a 404 without a Status body (some proxies) is thrown, not returned
                }
            }
            throw KubeErrors.of(c, 0, null, e, "get", m.group(), plural, m.namespace(), m.name());
        }
        if (r.getHttpStatusCode() == 404) {
            return Optional.empty();
        }
        if (!r.isSuccess()) {
            throw KubeErrors.of(c, r.getHttpStatusCode(), r.getStatus(), "get", m.group(), plural, m.namespace(), m.name());
        }
        return Optional.of(tree(r.getObject()));
    }

    private static JsonNode tree(DynamicKubernetesObject o) {
        try {
            return Json.mapper().readTree(o == null || o.getRaw() == null ? "{}" : o.getRaw().toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The namespace as it is now, or empty when it does not exist. */
    Optional<V1Namespace> readNamespace(String name) {
        try {
            return Optional.of(new CoreV1Api(c.client()).readNamespace(name).execute());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw KubeErrors.of(c, e, "get", "", "namespaces", null, name);
        }
    }

    static boolean managedByUs(V1Namespace ns) {
        Map<String, String> labels = ns.getMetadata() == null ? null : ns.getMetadata().getLabels();
        return labels != null && DeployPlanner.MANAGER.equals(labels.get(DeployPlanner.MANAGED_BY));
    }

    /**
     * Applies one object; {@code dbPassword} goes into the DB Secret's body here and nowhere else.
     *
     * @return the object as the API server answered it (after the apply, or as it would be after a dry run)
     */
    JsonNode apply(Manifest m, Secret dbPassword) {
        return apply(m, dbPassword, force);
    }

    JsonNode apply(Manifest m, Secret dbPassword, boolean force) {
        Map<String, Object> body = m.body();
        if (DeployPlanner.DB_SECRET_SOURCE.equals(m.source())) {
            if (dbPassword == null) {
                throw new IllegalStateException("DB Secret without a password");
            }
            body = new LinkedHashMap<>(body);
            @SuppressWarnings("unchecked")
            Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) body.get("stringData"));
            data.put("password", dbPassword.reveal());
            body.put("stringData", data);
        }
        String json;
        try {
            json = Json.mapper().writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String plural = plural(m);
        PatchOptions options = new PatchOptions().fieldManager(DeployPlanner.MANAGER);
        if (force) {
            options.force(true);
        }
        if (dryRun) {
            options.dryRun("All");
        }
        DynamicKubernetesApi api = new DynamicKubernetesApi(m.group(), m.version(), plural, c.client());
        KubernetesApiResponse<DynamicKubernetesObject> r;
        try {
            r = m.namespace() == null
                    ? api.patch(m.name(), V1Patch.PATCH_FORMAT_APPLY_YAML, new V1Patch(json), options)
                    : api.patch(m.namespace(), m.name(), V1Patch.PATCH_FORMAT_APPLY_YAML, new V1Patch(json), options);
        } catch (RuntimeException e) {
            throw KubeErrors.of(c, 0, null, e, "apply", m.group(), plural, m.namespace(), m.name());
        }
        if (!r.isSuccess()) {
            DbPromoteException e = KubeErrors.of(c, r.getHttpStatusCode(), r.getStatus(), "apply", m.group(), plural,
                    m.namespace(), m.name());
            if (dbPassword != null && !dbPassword.isEmpty() && e.getMessage().contains(dbPassword.reveal())) {
                // A validation message may quote a field's value; the DB password is never echoed.
                e = new DbPromoteException(e.kind(), e.getMessage().replace(dbPassword.reveal(), Secret.MASK));
            }
            throw e.kind() == DbPromoteException.Kind.INVALID_INPUT && r.getHttpStatusCode() != 401 && r.getHttpStatusCode() != 403
                    ? new DbPromoteException(e.kind(), m.source() + ": " + e.getMessage()) : e;
        }
        progress.line("  %s %s%s", dryRun ? "checked (server dry run)" : "applied", m.id(),
                m.namespace() == null ? "" : " in " + m.namespace());
        return tree(r.getObject());
    }
}
