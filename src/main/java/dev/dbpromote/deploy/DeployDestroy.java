package dev.dbpromote.deploy;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dbpromote deploy destroy}: deletes the environment's namespace (and with it everything deployed
 * in it), only when it carries {@code app.kubernetes.io/managed-by: dbpromote} and our app label (and no
 * other environment's or PR's label, see {@link NamespaceOwner}), and never for a protected environment. {@code env destroy} calls this too.
 *
 * @see K8sDeploy
 */
public final class DeployDestroy {

    /** @param state {@code deleted}, {@code absent}, {@code would-delete} (dry run) */
    public record Result(String namespace, String state, String context) {
    }

    private final Config config;
    private final Progress progress;

    public DeployDestroy(Config config, Progress progress) {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Deletes the namespace a deploy created a moment ago for its server-side dry run, after that check
     * failed: it has our labels and nothing of the app's in it yet.
     */
    void deleteCreatedForCheck(KubeConnection c, String namespace) {
        try {
            new CoreV1Api(c.client()).deleteNamespace(namespace).execute();
            progress.line("Deleted namespace %s again (created for the check that failed)", namespace);
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                progress.line("warning: could not delete namespace %s, created for the check that failed (%d):"
                        + " delete it with 'dbpromote deploy destroy'", namespace, e.getCode());
            }
        }
    }

    public Result run(String env, String pr, KubeConnection c, boolean dryRun) {
        if (config.environment(env).isProtected()) {
            throw DbPromoteException.invalid("Environment '" + env + "' is protected; dbpromote never deletes its namespace.");
        }
        String namespace = DeployPlanner.namespaceFor(config, env, pr);
        progress.line("Kubernetes: %s", c.describe());
        Optional<V1Namespace> ns = new KubeApplier(c, progress, false, dryRun).readNamespace(namespace);
        if (ns.isEmpty()) {
            progress.line("Namespace %s does not exist; nothing to delete", namespace);
            return new Result(namespace, "absent", c.context());
        }
        Map<String, String> labels = ns.get().getMetadata().getLabels() == null ? Map.of() : ns.get().getMetadata().getLabels();
        String conflict = NamespaceOwner.conflict(namespace, labels, config.app(), env, pr);
        if (conflict != null) {
            throw DbPromoteException.invalid("Refusing to delete it: " + conflict);
        }
        if (!KubeApplier.managedByUs(ns.get()) || !config.app().equals(labels.get("dbpromote/app"))) {
            throw DbPromoteException.invalid("Namespace '" + namespace + "' is not managed by dbpromote for app '" + config.app()
                    + "' (labels " + DeployPlanner.MANAGED_BY + "=" + labels.get(DeployPlanner.MANAGED_BY) + ", dbpromote/app="
                    + labels.get("dbpromote/app") + "); refusing to delete it. Someone else created it: delete it by hand"
                    + " if it really is this environment's.");
        }
        if (dryRun) {
            progress.line("Would delete namespace %s (managed by dbpromote)", namespace);
            return new Result(namespace, "would-delete", c.context());
        }
        try {
            new CoreV1Api(c.client()).deleteNamespace(namespace).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw KubeErrors.of(c, e, "delete", "", "namespaces", null, namespace);
            }
        }
        progress.line("Deleted namespace %s (Kubernetes removes its objects in the background)", namespace);
        return new Result(namespace, "deleted", c.context());
    }
}
