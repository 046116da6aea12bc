package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.deploy.DeployDestroy;
import dev.dbpromote.deploy.DeployRequest;
import dev.dbpromote.deploy.DeployResult;
import dev.dbpromote.deploy.K8sDeploy;
import dev.dbpromote.deploy.KubeAccess;
import dev.dbpromote.deploy.RegistryDigestResolver;
import dev.dbpromote.env.EnvironmentRecord;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", subcommands = DeployCommand.Destroy.class,
        description = {"Deploy the service build next to the environment's database: render the manifests, apply them",
                "(server-side apply), wait for the rollout like 'kubectl rollout status', undo it on failure.",
                "With --dry-run and no cluster access: render to .dbpromote/deploy/<env>/ and print a summary.",
                "On failure only what this deploy changed is undone: a workload whose pod template it changed goes back",
                "to the template it had before; one it did not change, or a first deploy, is left for inspection.",
                "Exit 1: the rollout failed (or the server refused an object after others were applied).",
                "Without a deploy: section in dbpromote.yaml: exit 0, 'not deployed by dbpromote', nothing written."})
final class DeployCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = {"The build's image, name@sha256:<digest> (or name:tag, resolved once), for ${IMAGE} in the manifests.",
                    "Default: the one recorded for this environment. Not needed when no manifest uses ${IMAGE}."})
    String image;

    @Option(names = "--image-from", paramLabel = "ENVKEY",
            description = "Deploy the image digest recorded by an earlier environment's deploy, e.g. dev-pr-42.")
    String imageFrom;

    @Option(names = "--force-conflicts", description = "Take over fields another field manager owns (server-side apply force).")
    boolean forceConflicts;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Rollout wait, like 10m (default: deploy.timeout, 10m).")
    String timeout;

    DeployCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String env = options.requireEnv();
        if (K8sDeploy.disabledReason(config).isPresent()) {
            // Exit 0 and no record, report or cluster call: the pipeline draws the Deploy stages as skipped.
            print(new K8sDeploy(config, context.environment(), context.progress(), () -> null, null)
                    .run(new DeployRequest(env, options.pr(), image, options.dryRun(), forceConflicts, null)));
            return ExitCode.OK;
        }
        Duration wait = null;
        if (timeout != null) {
            try {
                wait = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw DbPromoteException.invalid("--timeout: " + e.getMessage());
            }
        }
        if (image != null && imageFrom != null) {
            throw DbPromoteException.invalid("Give either --image or --image-from, not both.");
        }
        String img = imageFrom != null ? K8sDeploy.recordedImage(config, imageFrom) : image;
        DeployRequest request = new DeployRequest(env, options.pr(), img, options.dryRun(), forceConflicts, wait);
        K8sDeploy deploy = new K8sDeploy(config, context.environment(), context.progress(),
                () -> KubeAccess.connect(config, context.environment()), new RegistryDigestResolver());
        DeployResult result;
        String noCluster = options.dryRun() ? noClusterAccess(config) : null;
        if (noCluster != null) {
            context.progress().line("No Kubernetes cluster configured, so this dry run renders the manifests only"
                    + " (with a cluster it also asks the API server for a server-side dry run).");
            result = deploy.planOnly(request);
        } else {
            result = deploy.run(request);
        }
        print(result);
        return result.success() ? ExitCode.OK : ExitCode.FOUND_PROBLEM;
    }

    /** Why there is no cluster to dry-run against, or null when there is one. */
    private String noClusterAccess(Config config) {
        try {
            KubeAccess.connect(config, context.environment());
            return null;
        } catch (DbPromoteException e) {
            return e.getMessage();
        }
    }

    private void print(DeployResult r) {
        if (options.json() && r.outcome().equals("not-deployed")) {
            // The same "deploy" object as 'check --output json', so the pipeline reads one shape.
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("success", true);
            out.put("outcome", r.outcome());
            out.put("envKey", r.envKey());
            out.put("deploy", java.util.Map.of("enabled", false, "reason", K8sDeploy.NOT_DEPLOYED));
            context.out().println(Json.write(out));
            return;
        }
        if (options.json()) {
            context.json(r, Problems.deploy(r));
            return;
        }
        if (r.outcome().equals("not-deployed")) {
            context.out().println("deploy " + r.envKey() + ": not-deployed — " + K8sDeploy.NOT_DEPLOYED);
            return;
        }
        context.out().println("deploy " + r.envKey() + ": " + r.outcome() + (r.success() ? "" : " (FAILED)")
                + " — namespace " + r.namespace() + (r.context() == null ? "" : ", context " + r.context()));
        context.out().println("  image " + (r.image() == null ? "(none: no manifest uses ${IMAGE})" : r.image())
                + (r.runningImage() != null && !r.runningImage().equals(r.image()) ? "; running now: " + r.runningImage() : ""));
        context.out().println(String.format("  %-14s %-28s %-20s %s", "KIND", "NAME", "NAMESPACE", "IMAGES"));
        r.objects().forEach(o -> context.out().println("  " + o));
        if (!r.applied().isEmpty()) {
            context.out().println("  " + (r.outcome().equals("dry-run") ? "checked by server-side dry run: " : "applied: ")
                    + String.join(", ", r.applied()));
        }
        r.rollouts().forEach(ro -> context.out().println("  " + ro.workload() + ": " + ro.state()
                + (ro.undo() == null ? "" : ", " + ro.undo()) + " — " + ro.message()));
        r.diagnostics().forEach(d -> context.out().println("  | " + d));
        r.warnings().forEach(w -> context.out().println("  warning: " + w));
        context.out().println("  rendered manifests: " + r.renderedDir());
    }

    @Command(name = "destroy", description = {"Delete the environment's namespace, only if dbpromote created it (label checked).",
            "Exit 2 when the namespace belongs to someone else or the environment is protected."})
    static final class Destroy implements Callable<Integer> {

        private final CliContext context;

        @Mixin
        SharedOptions options;

        Destroy(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            String env = options.requireEnv();
            if (K8sDeploy.disabledReason(config).isPresent()) {
                context.progress().line("%s Nothing to destroy.", K8sDeploy.NOT_DEPLOYED);
                context.out().println(options.json() ? Json.write(java.util.Map.of("state", "not-deployed", "reason", K8sDeploy.NOT_DEPLOYED))
                        : "namespace: not-deployed (" + K8sDeploy.NOT_DEPLOYED + ")");
                return ExitCode.OK;
            }
            DeployDestroy.Result r = new DeployDestroy(config, context.progress())
                    .run(env, options.pr(), KubeAccess.connect(config, context.environment()), options.dryRun());
            Json.write(config.stateDir().resolve("reports").resolve("deploy-destroy-" + EnvironmentRecord.key(env, options.pr()) + ".json"), r);
            if (options.json()) {
                context.out().println(Json.write(r));
            } else {
                context.out().println("namespace " + r.namespace() + ": " + r.state() + " (context " + r.context() + ")");
            }
            return ExitCode.OK;
        }
    }
}
