package dev.dbpromote.config;

import java.util.Map;

/**
 * Jenkins credential ids for one environment, for the shared library's {@code withCredentials}
 * bindings. Ids only, never secrets: the engine reports them in {@code dbpromote check --output json}
 * so the two-line Jenkinsfile needs no arguments.
 *
 * @param aws an AWS Credentials plugin id; absent: the agent's instance role
 * @param kubeconfig a secret-file credential holding a kubeconfig; absent: in-cluster or the agent's
 * @param passwords environment variable name (as in {@code passwordEnv}) to a secret-text credential id
 */
public record JenkinsCredentials(String aws, String kubeconfig, Map<String, String> passwords) {

    public JenkinsCredentials {
        passwords = passwords == null ? Map.of() : Map.copyOf(passwords);
    }
}
