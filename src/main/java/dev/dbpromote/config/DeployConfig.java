package dev.dbpromote.config;

import java.util.Map;

/**
 * Kubernetes deployment of the service ({@code dbpromote deploy}).
 *
 * @param manifests folder of YAML manifests, relative to the config file
 * @param vars extra {@code ${VAR}} values for the manifests (names must not shadow the runtime ones)
 * @param kubeconfig a kubeconfig file; default: {@code KUBECONFIG}, then in-cluster, then ~/.kube/config
 * @param context kubeconfig context to use instead of its current-context
 * @param requireDigest refuse images given by tag only (no registry look-up)
 * @param timeout how long to wait for the rollout (default 10m), like {@code kubectl rollout status --timeout}
 * @param secretName name of the Secret with the DB connection (default {@code <app>-db}); {@code ${DB_SECRET}}
 * @param allowClusterScoped let a per-PR deploy apply cluster-scoped objects (shared by every PR; default false)
 */
public record DeployConfig(String manifests, Map<String, String> vars, String kubeconfig, String context,
        Boolean requireDigest, String timeout, String secretName, Boolean allowClusterScoped) {

    public static final String DEFAULT_TIMEOUT = "10m";

    public DeployConfig {
        manifests = manifests == null ? "deploy/k8s" : manifests;
        vars = vars == null ? Map.of() : Map.copyOf(vars);
        requireDigest = requireDigest != null && requireDigest;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        allowClusterScoped = allowClusterScoped != null && allowClusterScoped;
    }

    /** Used when dbpromote.yaml has no {@code deploy} section. */
    public static final DeployConfig DEFAULT = new DeployConfig(null, null, null, null, null, null, null, null);
}
