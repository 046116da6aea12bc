package dev.dbpromote.config;

import java.util.Map;

/**
 * Kubernetes deployment of the service.
 *
 * @param manifests folder of YAML manifests, relative to the config file
 * @param vars extra {@code ${VAR}} values for the manifests
 * @param kubeconfig a kubeconfig file; default: in-cluster or {@code KUBECONFIG}
 * @param requireDigest refuse images given by tag only
 */
public record DeployConfig(String manifests, Map<String, String> vars, String kubeconfig, String context,
        Boolean requireDigest, String timeout) {

    public DeployConfig {
        manifests = manifests == null ? "deploy/k8s" : manifests;
        vars = vars == null ? Map.of() : Map.copyOf(vars);
        requireDigest = requireDigest != null && requireDigest;
    }
}
