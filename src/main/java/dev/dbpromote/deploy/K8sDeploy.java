package dev.dbpromote.deploy;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DeployConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import io.kubernetes.client.openapi.models.V1Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code dbpromote deploy}: plan ({@link DeployPlanner}), then on the cluster: the namespace (created
 * and labelled when missing; an existing one without our label is deployed into but never relabelled
 * and is reported), server-side apply of every object in dependency order, a {@code kubectl rollout
 * status} wait for each Deployment/StatefulSet, and on failure the failing pods' events and logs and a
 * {@code kubectl rollout undo}. On success the image digest is recorded for the environment.
 *
 * <pre>{@code
 * DeployResult r = new K8sDeploy(config, System::getenv, progress, () -> KubeAccess.connect(config, System::getenv),
 *         new RegistryDigestResolver()).run(new DeployRequest("dev", "42", image, false, false, null));
 * }</pre>
 */
public final class K8sDeploy {

    private final Config config;
    private final Function<String, String> environment;
    private final Progress progress;
    private final Supplier<KubeConnection> cluster;
    private final DigestResolver resolver;
    private final RolloutWaiter.Sleeper sleeper;

    public K8sDeploy(Config config, Function<String, String> environment, Progress progress,
            Supplier<KubeConnection> cluster, DigestResolver resolver) {
        this(config, environment, progress, cluster, resolver, RolloutWaiter.realTime());
    }

    K8sDeploy(Config config, Function<String, String> environment, Progress progress, Supplier<KubeConnection> cluster,
            DigestResolver resolver, RolloutWaiter.Sleeper sleeper) {
        this.config = config;
        this.environment = environment;
        this.progress = progress;
        this.cluster = cluster;
        this.resolver = resolver;
        this.sleeper = sleeper;
    }

    public DeployResult run(DeployRequest request) {
        DeployConfig deploy = config.deploy() == null ? DeployConfig.DEFAULT : config.deploy();
        Duration timeout = request.timeout() != null ? request.timeout() : Durations.parse(deploy.timeout());
        DeployPlan plan = new DeployPlanner(config, environment, progress, resolver).plan(request);
        progress.line("Rendered %d objects for %s to %s", plan.objects().size(), plan.envKey(),
                config.baseDir().relativize(plan.renderedDir()));
        List<String> warnings = new ArrayList<>(plan.warnings());

        if (plan.dbPassword() == null && !request.dryRun()) {
            throw new IllegalStateException("a real deploy always has a database (planner refuses otherwise)");
        }
        KubeConnection c = cluster.get();
        progress.line("Kubernetes: %s", c.describe());
        KubeApplier applier = new KubeApplier(c, progress, request.forceConflicts(), request.dryRun());

        Optional<V1Namespace> existing = applier.readNamespace(plan.namespace());
        String nsState;
        List<Manifest> toApply = new ArrayList<>(plan.objects());
        Manifest nsObject = toApply.remove(0); // the planner puts the Namespace first
        if (existing.isEmpty()) {
            nsState = "created";
            applier.apply(nsObject, null);
        } else if (KubeApplier.managedByUs(existing.get())) {
            nsState = "managed";
            applier.apply(nsObject, null);
        } else {
            nsState = "foreign";
            warnings.add("Namespace '" + plan.namespace() + "' exists and is not labelled " + DeployPlanner.MANAGED_BY + "="
                    + DeployPlanner.MANAGER + ": deploying into it without relabelling it; 'deploy destroy' will not delete it.");
            progress.line("warning: %s", warnings.get(warnings.size() - 1));
        }
        List<String> applied = new ArrayList<>();
        applied.add("Namespace/" + plan.namespace() + " (" + nsState + ")");
        if (request.dryRun() && existing.isEmpty()) {
            warnings.add("Namespace '" + plan.namespace() + "' does not exist yet, so only the Namespace was checked by"
                    + " server-side dry run; the namespaced objects were rendered only.");
            return finish(request, plan, c, "dry-run", true, nsState, applied, List.of(), List.of(), warnings);
        }
        for (Manifest m : toApply) {
            applier.apply(m, plan.dbPassword());
            applied.add(m.id());
        }
        if (request.dryRun()) {
            return finish(request, plan, c, "dry-run", true, nsState, applied, List.of(), List.of(), warnings);
        }

        RolloutWaiter waiter = new RolloutWaiter(c, progress, sleeper);
        List<DeployResult.Rollout> rollouts = new ArrayList<>();
        List<Manifest> failed = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        for (Manifest w : plan.workloads()) {
            progress.line("Waiting for %s rollout (timeout %s)", w.id(), Durations.format(timeout));
            RolloutStatus s = waiter.await(w, deadline, timeout);
            rollouts.add(new DeployResult.Rollout(w.id(), s.state().name().toLowerCase(), s.message(), null));
            if (s.state() == RolloutStatus.State.FAILED) {
                failed.add(w);
            }
        }
        if (failed.isEmpty()) {
            record(plan);
            return finish(request, plan, c, "rolled-out", true, nsState, applied, rollouts, List.of(), warnings);
        }

        List<String> diagnostics = new ArrayList<>();
        PodDiagnostics pods = new PodDiagnostics(c);
        for (Manifest w : failed) {
            progress.line("Rollout of %s failed. Its pods:", w.id());
            for (String line : pods.collect(w)) {
                progress.line("  %s", line);
                diagnostics.add(line);
            }
        }
        RolloutUndo undo = new RolloutUndo(c, progress);
        boolean anyRolledBack = false;
        List<DeployResult.Rollout> after = new ArrayList<>();
        for (DeployResult.Rollout r : rollouts) {
            Manifest w = failed.stream().filter(f -> f.id().equals(r.workload())).findFirst().orElse(null);
            if (w == null) {
                after.add(r);
                continue;
            }
            Optional<Long> revision = w.kind().equals("StatefulSet") ? undo.undoStatefulSet(w.namespace(), w.name())
                    : undo.undo(w.namespace(), w.name());
            if (revision.isEmpty()) {
                warnings.add(w.id() + " has no previous revision (first deploy): left in place for inspection"
                        + " (kubectl -n " + w.namespace() + " describe deployment " + w.name() + ").");
                progress.line("warning: %s", warnings.get(warnings.size() - 1));
                after.add(r);
                continue;
            }
            anyRolledBack = true;
            progress.line("Waiting for the rollback of %s", w.id());
            RolloutStatus back = waiter.await(w, timeout);
            after.add(new DeployResult.Rollout(r.workload(), r.state(), r.message() + "; rollback to revision "
                    + revision.get() + ": " + back.message(), revision.get()));
        }
        return finish(request, plan, c, anyRolledBack ? "rolled-back" : "failed-first-deploy", false, nsState, applied,
                after, diagnostics, warnings);
    }

    /**
     * The digest goes into the environment record, so later environments deploy exactly this build. An
     * environment without a record (in-place staging/production) gets {@code .dbpromote/deploy/<envKey>/deployed.json}
     * instead: a record there would make {@code Targets} take it for a clone's and look for its credential.
     */
    private void record(DeployPlan plan) {
        if (plan.digest() == null) {
            return;
        }
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        Optional<EnvironmentRecord> record = store.find(plan.envKey());
        if (record.isPresent()) {
            store.save(record.get().withAttribute("image", plan.image()));
        } else {
            Json.write(deployedFile(config, plan.envKey()), java.util.Map.of("image", plan.image(), "digest", plan.digest(),
                    "deployedAt", Instant.now().toString()));
        }
        progress.line("Recorded image %s for %s", plan.image(), plan.envKey());
    }

    private static Path deployedFile(Config config, String envKey) {
        return config.stateDir().resolve("deploy").resolve(envKey).resolve("deployed.json");
    }

    private DeployResult finish(DeployRequest request, DeployPlan plan, KubeConnection c, String outcome, boolean success,
            String nsState, List<String> applied, List<DeployResult.Rollout> rollouts, List<String> diagnostics,
            List<String> warnings) {
        DeployResult result = new DeployResult(success, outcome, plan.envKey(), plan.namespace(), nsState,
                c == null ? null : c.context(), plan.image(), plan.digest(), plan.summary(), List.copyOf(applied), List.copyOf(rollouts),
                List.copyOf(diagnostics), List.copyOf(warnings), plan.renderedDir().toString());
        writeReport(config, result);
        return result;
    }

    static void writeReport(Config config, DeployResult result) {
        Path file = config.stateDir().resolve("reports").resolve("deploy-" + result.envKey() + ".json");
        Json.write(file, result);
    }

    /**
     * Plan mode as one call, no cluster and no registry look-up (what {@code dbpromote demo} runs):
     * renders to {@code .dbpromote/deploy/<envKey>/}, writes {@code .dbpromote/reports/deploy-<envKey>.json}
     * and returns the summary in {@link DeployResult#objects()}.
     */
    public static DeployResult plan(Config config, Function<String, String> environment, Progress progress,
            String env, String pr, String image) {
        return new K8sDeploy(config, environment, progress, () -> {
            throw new IllegalStateException("plan mode does not use a cluster");
        }, null).planOnly(DeployRequest.plan(env, pr, image));
    }

    /**
     * The image digest an earlier deploy recorded for {@code envKey} ({@code dev-pr-42}), for promoting
     * exactly that build to the next environment.
     */
    public static String recordedImage(Config config, String envKey) {
        Optional<String> fromRecord = new EnvironmentStore(config.stateDir()).find(envKey).map(r -> r.attributes().get("image"));
        if (fromRecord.isEmpty() && java.nio.file.Files.isRegularFile(deployedFile(config, envKey))) {
            fromRecord = Optional.ofNullable(Json.read(deployedFile(config, envKey), java.util.Map.class).get("image")).map(Object::toString);
        }
        return fromRecord
                .orElseThrow(() -> dev.dbpromote.core.DbPromoteException.invalid("No image is recorded for " + envKey
                        + " (" + new EnvironmentStore(config.stateDir()).recordFile(envKey) + "). Deploy there first,"
                        + " or pass --image."));
    }

    /** Plan mode without a cluster: render, summarise, write the report. */
    public DeployResult planOnly(DeployRequest request) {
        DeployPlan plan = new DeployPlanner(config, environment, progress, resolver).plan(request);
        DeployResult result = new DeployResult(true, "planned", plan.envKey(), plan.namespace(), "unknown", null,
                plan.image(), plan.digest(), plan.summary(), List.of(), List.of(), List.of(), plan.warnings(), plan.renderedDir().toString());
        writeReport(config, result);
        return result;
    }
}
