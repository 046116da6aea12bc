package dev.dbpromote.deploy;

import io.kubernetes.client.openapi.ApiClient;

/**
 * A client for one cluster and the words to name it in messages (never its credentials).
 *
 * @param context kubeconfig context name, or {@code in-cluster service account}
 * @param server the API server URL
 * @param origin where the access came from: {@code KUBECONFIG /path}, {@code deploy.kubeconfig …}, {@code in-cluster}
 */
public record KubeConnection(ApiClient client, String context, String server, String origin) {

    /** {@code context 'dev' (https://…, from KUBECONFIG /home/jenkins/.kube/config)}. */
    public String describe() {
        return "context '" + context + "' (" + server + ", from " + origin + ")";
    }
}
