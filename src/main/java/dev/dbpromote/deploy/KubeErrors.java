package dev.dbpromote.deploy;

import dev.dbpromote.core.DbPromoteException;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Status;

/**
 * API failures turned into messages a person can act on: which cluster, which object, which permission.
 * 401/403 are configuration (the kubeconfig or RBAC must change: exit 2); an unreachable server or a
 * 5xx is an external failure (exit 3).
 */
final class KubeErrors {

    private KubeErrors() {
    }

    static DbPromoteException of(KubeConnection c, int code, String serverMessage, Throwable cause,
            String verb, String group, String resource, String namespace, String name) {
        String target = resource + (group.isEmpty() ? "" : "." + group) + (name == null ? "" : " '" + name + "'")
                + (namespace == null ? "" : " in namespace '" + namespace + "'");
        String detail = serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage;
        return switch (code) {
            case 0 -> DbPromoteException.external("Cannot reach the Kubernetes API server " + c.server() + " ("
                    + c.describe() + ") to " + verb + " " + target + ": " + rootCause(cause)
                    + ". Check the cluster is up and reachable from this agent, and the kubeconfig's server address.", cause);
            case 401 -> DbPromoteException.invalid("The Kubernetes API server " + c.server() + " rejected the credentials of "
                    + c.describe() + " (401 Unauthorized)" + detail + ". The token or client certificate is missing or expired:"
                    + " refresh the kubeconfig (e.g. 'aws eks update-kubeconfig') or the Jenkins kubeconfig credential.", cause);
            case 403 -> verb.equals("apply") ? forbiddenApply(c, serverMessage, cause, target, group, resource)
                    : DbPromoteException.invalid("Kubernetes denied " + c.describe() + " permission to '" + verb + "' "
                    + target + " (403 Forbidden)" + detail + ". Grant it with a Role/ClusterRole rule: apiGroups: [\""
                    + group + "\"], resources: [\"" + resource + "\"], verbs: [\"" + verb + "\"].", cause);
            case 409 -> DbPromoteException.invalid("Conflict applying " + target + detail + ". Another field manager owns"
                    + " these fields (kubectl edit, a controller). Re-run with --force-conflicts to take them over.", cause);
            case 400, 404, 415, 422 -> DbPromoteException.invalid("Kubernetes rejected " + verb + " of " + target + " ("
                    + code + ")" + detail + ". Fix the manifest.", cause);
            default -> DbPromoteException.external("Kubernetes API server " + c.server() + " failed to " + verb + " " + target
                    + " (" + code + ")" + detail + ". Retry; if it persists, check the cluster's health.", cause);
        };
    }

    private static final java.util.regex.Pattern DENIED_VERB = java.util.regex.Pattern.compile("cannot (\\w+) resource");

    /**
     * A server-side apply is a PATCH, authorized as {@code patch}; when the object does not exist the API
     * server creates it and authorizes that as {@code create} too (apiserver endpoints/handlers/patch.go),
     * and its Forbidden message says which verb it checked: "... cannot create resource ...".
     */
    private static DbPromoteException forbiddenApply(KubeConnection c, String serverMessage, Throwable cause, String target,
            String group, String resource) {
        java.util.regex.Matcher m = DENIED_VERB.matcher(serverMessage == null ? "" : serverMessage);
        String denied = m.find() ? m.group(1) : null;
        return DbPromoteException.invalid("Kubernetes denied " + c.describe() + " permission to "
                + (denied == null ? "apply" : "'" + denied + "'") + " " + target + " (403 Forbidden)"
                + (serverMessage == null || serverMessage.isBlank() ? "" : ": " + serverMessage)
                + ". Server-side apply needs the verbs 'patch' and, for an object that does not exist yet, 'create'"
                + (denied == null ? "" : "; the server denied '" + denied + "'") + ". Grant both with a Role/ClusterRole rule:"
                + " apiGroups: [\"" + group + "\"], resources: [\"" + resource + "\"], verbs: [\"create\", \"patch\"].", cause);
    }

    static DbPromoteException of(KubeConnection c, ApiException e, String verb, String group, String resource,
            String namespace, String name) {
        return of(c, e.getCode(), message(e), e, verb, group, resource, namespace, name);
    }

    static DbPromoteException of(KubeConnection c, int code, V1Status status, String verb, String group,
            String resource, String namespace, String name) {
        return of(c, code, status == null ? null : status.getMessage(), null, verb, group, resource, namespace, name);
    }

    private static String message(ApiException e) {
        String body = e.getResponseBody();
        if (body != null && body.contains("\"message\"")) {
            try {
                return dev.dbpromote.core.Json.mapper().readTree(body).path("message").asText(null);
            } catch (java.io.IOException ignored) {
                // not a Status object; fall through
            }
        }
        return e.getCode() == 0 ? null : e.getMessage();
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c != null && c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == null ? "no answer" : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : " " + c.getMessage());
    }
}
