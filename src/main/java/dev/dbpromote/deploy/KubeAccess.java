package dev.dbpromote.deploy;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DeployConfig;
import dev.dbpromote.core.DbPromoteException;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * How dbpromote reaches a cluster, in kubectl's order of precedence for an agent: {@code deploy.kubeconfig}
 * from dbpromote.yaml, then {@code KUBECONFIG} (first file of the list), then the in-cluster service
 * account (a Jenkins agent pod), then {@code ~/.kube/config}. {@code deploy.context} picks a context
 * other than the file's current-context.
 */
public final class KubeAccess {

    private KubeAccess() {
    }

    public static KubeConnection connect(Config config, Function<String, String> environment) {
        DeployConfig deploy = config.deploy() == null ? DeployConfig.DEFAULT : config.deploy();
        if (deploy.kubeconfig() != null) {
            return fromFile(config.resolve(deploy.kubeconfig()), deploy.context(), "deploy.kubeconfig " + deploy.kubeconfig());
        }
        String env = environment.apply("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            for (String part : env.split(java.io.File.pathSeparator)) {
                if (!part.isBlank() && Files.isRegularFile(Path.of(part))) {
                    return fromFile(Path.of(part), deploy.context(), "KUBECONFIG " + part);
                }
            }
            throw DbPromoteException.invalid("KUBECONFIG is '" + env + "' but no such file exists. Point it at the"
                    + " kubeconfig for the cluster (Jenkins: withKubeConfig or a file credential).");
        }
        String host = environment.apply("KUBERNETES_SERVICE_HOST");
        Path token = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
        if (host != null && Files.isRegularFile(token)) {
            try {
                ApiClient client = ClientBuilder.cluster().build();
                return new KubeConnection(tune(client), "in-cluster service account", client.getBasePath(), "in-cluster");
            } catch (IOException e) {
                throw DbPromoteException.invalid("Cannot use the in-cluster service account: " + e.getMessage(), e);
            }
        }
        String home = environment.apply("HOME");
        Path fallback = home == null ? null : Path.of(home, ".kube", "config");
        if (fallback != null && Files.isRegularFile(fallback)) {
            return fromFile(fallback, deploy.context(), "~/.kube/config");
        }
        throw DbPromoteException.invalid("No Kubernetes cluster access: set deploy.kubeconfig in dbpromote.yaml, or"
                + " KUBECONFIG, or run on an agent pod with a service account. To only render the manifests, add --dry-run.");
    }

    static KubeConnection fromFile(Path file, String context, String origin) {
        KubeConfig kc;
        try (Reader r = Files.newBufferedReader(file)) {
            kc = KubeConfig.loadKubeConfig(r);
        } catch (IOException | RuntimeException e) {
            throw DbPromoteException.invalid("Cannot read kubeconfig " + file + " (" + origin + "): " + e.getMessage()
                    + ". Check the file is a kubeconfig (kubectl config view --kubeconfig " + file + ").");
        }
        kc.setFile(file.toAbsolutePath().toFile());
        if (context != null && !kc.setContext(context)) {
            throw DbPromoteException.invalid("Context '" + context + "' (deploy.context) is not in kubeconfig " + file
                    + ". List them with: kubectl config get-contexts --kubeconfig " + file);
        }
        if (kc.getCurrentContext() == null || kc.getServer() == null) {
            throw DbPromoteException.invalid("Kubeconfig " + file + " has no current-context with a cluster server."
                    + " Set deploy.context, or run: kubectl config use-context <name>.");
        }
        try {
            ApiClient client = ClientBuilder.kubeconfig(kc).build();
            return new KubeConnection(tune(client), kc.getCurrentContext(), kc.getServer(), origin);
        } catch (IOException | RuntimeException e) {
            throw DbPromoteException.invalid("Cannot build a client from kubeconfig " + file + " context '"
                    + kc.getCurrentContext() + "': " + e.getMessage(), e);
        }
    }

    /** Polling, not watching: every call is short, so a hung server fails a call instead of the build. */
    private static ApiClient tune(ApiClient client) {
        client.setConnectTimeout((int) Duration.ofSeconds(10).toMillis());
        client.setReadTimeout((int) Duration.ofSeconds(30).toMillis());
        return client;
    }
}
