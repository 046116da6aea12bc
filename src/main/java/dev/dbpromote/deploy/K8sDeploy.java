package dev.dbpromote.deploy;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DeployConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import io.kubernetes.client.openapi.models.V1Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Why dbpromote does not deploy this service, or empty when dbpromote.yaml has a {@code deploy:} section. */
    public static Optional<String> disabledReason(Config config) {
        return config.deploy() != null ? Optional.empty() : Optional.of(NOT_DEPLOYED);
    }

    /** The message for a dbpromote.yaml without {@code deploy:}. */
    public static final String NOT_DEPLOYED = "This service is not deployed by dbpromote: dbpromote.yaml has no deploy: section."
            + " Add deploy: {manifests: deploy/k8s} to deploy it with dbpromote.";

    private DeployResult notDeployed(DeployRequest request) {
        progress.line("%s", NOT_DEPLOYED);
        return new DeployResult(true, "not-deployed", EnvironmentRecord.key(request.env(), request.pr()), null, "unknown", null,
                null, null, null, List.of(), List.of(), List.of(), List.of(), List.of(NOT_DEPLOYED), null);
    }

    public DeployResult run(DeployRequest request) {
        if (config.deploy() == null) {
            return notDeployed(request);
        }
        DeployConfig deploy = config.deploy();
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

        // Custom resources: plural and scope from API discovery, or from a CRD in these manifests.
        Resolved resolved = resolveKinds(c, plan.objects());
        List<String> clusterScoped = resolved.objects().stream().filter(m -> m.namespace() == null && !m.kind().equals("Namespace"))
                .map(m -> m.id() + " (" + m.source() + ")").toList();
        if (!clusterScoped.isEmpty() && plan.pr() != null && !deploy.allowClusterScoped()) {
            String msg = clusterScopedMessage(plan, clusterScoped);
            if (!request.dryRun()) {
                throw DbPromoteException.invalid(msg + " Nothing was sent to the cluster.");
            }
            warnings.add(msg);
            progress.line("warning: %s", msg);
        }
        KubeApplier applier = new KubeApplier(c, progress, request.forceConflicts(), false, resolved.plurals());
        KubeApplier checker = new KubeApplier(c, progress, request.forceConflicts(), true, resolved.plurals());

        Optional<V1Namespace> existing = applier.readNamespace(plan.namespace());
        List<Manifest> toApply = new ArrayList<>(resolved.objects());
        Manifest nsObject = toApply.remove(0); // the planner puts the Namespace first
        @SuppressWarnings("unchecked")
        Map<String, Object> ourLabels = (Map<String, Object>) nsObject.metadata().get("labels");
        String nsState;
        boolean applyNamespace;
        if (existing.isEmpty()) {
            nsState = "created";
            applyNamespace = true;
        } else {
            Map<String, String> labels = existing.get().getMetadata() == null ? null : existing.get().getMetadata().getLabels();
            String conflict = NamespaceOwner.conflict(plan.namespace(), labels, config.app(), plan.env(), plan.pr());
            if (conflict != null) {
                throw DbPromoteException.invalid(conflict + " Nothing was sent to the cluster.");
            }
            if (KubeApplier.managedByUs(existing.get()) || (labels != null && labels.containsKey(NamespaceOwner.APP))) {
                // Only when a label is missing or different: a deployer whose RBAC covers just its own
                // namespace may not patch Namespaces, and an unchanged apply would be refused for nothing.
                applyNamespace = !NamespaceOwner.labelsMatch(labels, ourLabels);
                nsState = applyNamespace ? "relabelled" : "managed";
            } else {
                nsState = "foreign";
                applyNamespace = false;
                warnings.add("Namespace '" + plan.namespace() + "' exists and is not labelled " + DeployPlanner.MANAGED_BY + "="
                        + DeployPlanner.MANAGER + ": deploying into it without relabelling it; 'deploy destroy' will not delete it.");
                progress.line("warning: %s", warnings.get(warnings.size() - 1));
            }
        }
        if (applyNamespace) {
            toApply.add(0, nsObject);
        }

        // Server-side dry run of every object before anything is changed: a rejection (422, 403, 409) leaves
        // the cluster as it was, so exit 2 really means "nothing changed". Namespaced objects can only be
        // checked once their namespace exists: a new one is created first (ours, labelled) and deleted again
        // if the check fails. Custom resources whose CRD comes with these manifests are checked by the real apply.
        List<String> applied = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        boolean createdForCheck = existing.isEmpty() && !request.dryRun();
        if (createdForCheck) {
            applier.apply(nsObject, null);
            applied.add(nsObject.id() + " (" + nsState + ")");
            toApply.remove(nsObject);
        } else if (!applyNamespace) {
            applied.add("Namespace/" + plan.namespace() + " (" + nsState + ", not re-applied)");
        }
        try {
            for (Manifest m : toApply) {
                if ((existing.isEmpty() && request.dryRun() && m.namespace() != null) || resolved.awaitingCrd().contains(m)) {
                    unchecked.add(m.id());
                    continue;
                }
                checker.apply(m, plan.dbPassword());
            }
        } catch (DbPromoteException e) {
            if (createdForCheck && e.kind() == DbPromoteException.Kind.INVALID_INPUT) {
                new DeployDestroy(config, progress).deleteCreatedForCheck(c, plan.namespace());
                throw new DbPromoteException(e.kind(), e.getMessage() + " (Found by a server-side dry run before anything"
                        + " else was applied; namespace '" + plan.namespace() + "', created for the check, was deleted again.)");
            }
            throw e;
        }
        if (request.dryRun()) {
            toApply.stream().filter(m -> !unchecked.contains(m.id())).forEach(m -> applied.add(m.id()));
            if (!unchecked.isEmpty()) {
                warnings.add("Not checked by the server (their namespace or CRD does not exist yet), rendered only: "
                        + String.join(", ", unchecked) + ".");
            }
            return finish(request, plan, c, "dry-run", true, nsState, null, applied, List.of(), List.of(), warnings);
        }

        RolloutUndo undo = new RolloutUndo(c, progress);
        Map<String, RolloutUndo.Before> before = new LinkedHashMap<>();
        if (!createdForCheck) {
            for (Manifest w : plan.workloads()) {
                undo.capture(applier, w).ifPresent(b -> {
                    before.put(w.id(), b);
                    progress.line("%s before this deploy: %s, image %s", w.id(), RolloutUndo.describe(b),
                            String.join(", ", b.images().values()));
                });
            }
        }
        Map<String, com.fasterxml.jackson.databind.JsonNode> after = new LinkedHashMap<>();
        Map<String, Manifest> sent = new LinkedHashMap<>();
        boolean crdsEstablished = resolved.crds().isEmpty();
        for (Manifest m : toApply) {
            try {
                if (!crdsEstablished && resolved.awaitingCrd().contains(m)) {
                    new CrdWaiter(c, progress, sleeper).await(resolved.crds(), timeout);
                    crdsEstablished = true;
                }
                after.put(m.id(), applier.apply(m, plan.dbPassword()));
                sent.put(m.id(), m);
                applied.add(m.id() + (m == nsObject ? " (" + nsState + ")" : ""));
            } catch (DbPromoteException e) {
                if (sent.isEmpty() || e.kind() != DbPromoteException.Kind.INVALID_INPUT) {
                    throw e;
                }
                // Objects before this one are on the cluster now: not "nothing changed", so exit 1 with the list.
                String msg = e.getMessage() + " Already applied in this run (left in place): " + String.join(", ", applied)
                        + ". Fix the manifest and deploy again.";
                progress.line("error: %s", msg);
                return finish(request, plan, c, "apply-failed", false, nsState, null, applied, List.of(), List.of(msg), warnings);
            }
        }

        RolloutWaiter waiter = new RolloutWaiter(c, progress, sleeper);
        List<DeployResult.Rollout> rollouts = new ArrayList<>();
        List<Manifest> failed = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        for (Manifest w : plan.workloads()) {
            progress.line("Waiting for %s rollout (timeout %s)", w.id(), Durations.format(timeout));
            RolloutStatus s = waiter.await(w, deadline, timeout, generation(after.get(w.id())));
            rollouts.add(new DeployResult.Rollout(w.id(), s.state().name().toLowerCase(), s.message(), null, null,
                    appImage(plan, after.get(w.id()))));
            if (s.state() == RolloutStatus.State.FAILED) {
                failed.add(w);
            }
        }
        if (failed.isEmpty()) {
            record(plan, plan.image(), null);
            return finish(request, plan, c, "rolled-out", true, nsState, plan.image(), applied, rollouts, List.of(), warnings);
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
        String restoredImage = null;
        List<DeployResult.Rollout> result = new ArrayList<>();
        for (DeployResult.Rollout r : rollouts) {
            Manifest w = failed.stream().filter(f -> f.id().equals(r.workload())).findFirst().orElse(null);
            if (w == null) {
                result.add(r);
                continue;
            }
            RolloutUndo.Before b = before.get(w.id());
            com.fasterxml.jackson.databind.JsonNode applyAnswer = after.get(w.id());
            if (b == null) {
                warn(warnings, w.id() + " did not exist before this deploy (first deploy): nothing to roll back to, left in"
                        + " place for inspection (kubectl -n " + w.namespace() + " describe " + w.kind().toLowerCase() + " " + w.name() + ").");
                result.add(new DeployResult.Rollout(r.workload(), r.state(), r.message(), "not-undone-first-deploy", null, null));
                continue;
            }
            if (!RolloutUndo.changedTemplate(b, applyAnswer)) {
                warn(warnings, "This deploy did not change the pod template of " + w.id() + " (" + RolloutUndo.describe(b)
                        + " stays current), so it created no new revision and nothing of this run is undone: the rollout of"
                        + " the revision that was already there is failing (see its pods above). An undo would put an older"
                        + " build back, so dbpromote leaves it to you (kubectl -n " + w.namespace() + " rollout history "
                        + w.kind().toLowerCase() + "/" + w.name() + ").");
                result.add(new DeployResult.Rollout(r.workload(), r.state(), r.message(), "not-undone-unchanged", b.revision(),
                        appImage(plan, applyAnswer)));
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode restored = undo.restore(applier, sent.get(w.id()), b);
            String image = appImage(plan, applyAnswer, b);
            progress.line("Waiting for the rollback of %s", w.id());
            RolloutStatus back = waiter.await(w, timeout, generation(restored));
            progress.line("%s now runs image %s (restored from %s)", w.id(), image, RolloutUndo.describe(b));
            result.add(new DeployResult.Rollout(r.workload(), r.state(), r.message() + "; rolled back to the pod template of "
                    + RolloutUndo.describe(b) + " (image " + image + "): " + back.message(), "rolled-back", b.revision(), image));
            if (restoredImage == null) {
                restoredImage = image;
            }
        }
        if (restoredImage != null) {
            record(plan, restoredImage, plan.image());
        }
        String running = restoredImage != null ? restoredImage
                : result.stream().map(DeployResult.Rollout::runningImage).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        boolean allFirst = result.stream().filter(r -> r.undo() != null).allMatch(r -> r.undo().equals("not-undone-first-deploy"));
        String outcome = restoredImage != null ? "rolled-back" : allFirst ? "failed-first-deploy" : "failed";
        return finish(request, plan, c, outcome, false, nsState, running, applied,
                result, diagnostics, warnings);
    }

    private static long generation(com.fasterxml.jackson.databind.JsonNode applyAnswer) {
        return applyAnswer == null ? 0 : applyAnswer.at("/metadata/generation").asLong(0);
    }

    private void warn(List<String> warnings, String warning) {
        warnings.add(warning);
        progress.line("warning: %s", warning);
    }

    private static String clusterScopedMessage(DeployPlan plan, List<String> objects) {
        return "Cluster-scoped objects in a per-PR environment (" + plan.envKey() + "): " + String.join(", ", objects)
                + ". They are not in the PR's namespace, so every PR's deploy applies the same object and"
                + " 'deploy destroy' does not remove them. Move them to a fixed environment's deploy, or set"
                + " deploy.allowClusterScoped: true in dbpromote.yaml if sharing them is intended.";
    }

    /**
     * The image of the container that runs this deploy's image ({@code ${IMAGE}}), as the apply answered it,
     * or, with {@code before}, the image that container had before this deploy.
     */
    private static String appImage(DeployPlan plan, com.fasterxml.jackson.databind.JsonNode applyAnswer, RolloutUndo.Before before) {
        Map<String, String> now = applyAnswer == null ? Map.of() : RolloutUndo.images(applyAnswer.at("/spec/template"));
        Map<String, String> then = before.images();
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (e.getValue().equals(plan.image()) && then.containsKey(e.getKey())) {
                return then.get(e.getKey());
            }
        }
        return then.values().stream().findFirst().orElse(null);
    }

    private static String appImage(DeployPlan plan, com.fasterxml.jackson.databind.JsonNode applyAnswer) {
        if (plan.image() != null) {
            return plan.image();
        }
        Map<String, String> now = applyAnswer == null ? Map.of() : RolloutUndo.images(applyAnswer.at("/spec/template"));
        return now.values().stream().findFirst().orElse(null);
    }

    /** The objects with custom kinds resolved, their plurals, the CRDs in this plan and the objects that wait for them. */
    private record Resolved(List<Manifest> objects, Map<String, String> plurals, List<Manifest> crds, List<Manifest> awaitingCrd) {
    }

    private Resolved resolveKinds(KubeConnection c, List<Manifest> objects) {
        List<Manifest> crds = objects.stream().filter(m -> m.kind().equals("CustomResourceDefinition")).toList();
        KubeDiscovery discovery = new KubeDiscovery(c);
        Map<String, String> plurals = new LinkedHashMap<>();
        List<Manifest> out = new ArrayList<>();
        List<Manifest> awaiting = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Manifest m : objects) {
            if (KubeKinds.builtIn(m.apiVersion(), m.kind())) {
                out.add(m);
                continue;
            }
            Optional<KubeDiscovery.Resource> served = discovery.find(m.apiVersion(), m.kind());
            Optional<KubeDiscovery.Resource> fromCrd = served.isPresent() ? Optional.empty() : CrdWaiter.defines(crds, m);
            Optional<KubeDiscovery.Resource> resource = served.or(() -> fromCrd);
            if (resource.isEmpty()) {
                problems.add(m.source() + ": unknown kind " + m.kind() + " (apiVersion " + m.apiVersion() + "): the API server of "
                        + c.describe() + " does not serve it (API discovery of " + m.apiVersion() + "), and no"
                        + " CustomResourceDefinition in the manifests defines it. Install its CRD (or add it to the manifests),"
                        + " or fix apiVersion/kind.");
                continue;
            }
            plurals.put(KubeApplier.key(m), resource.get().plural());
            Manifest r = m;
            if (!resource.get().namespaced()) {
                m.metadata().remove("namespace");
                r = new Manifest(m.source(), m.apiVersion(), m.kind(), m.name(), null, m.body());
            }
            if (fromCrd.isPresent()) {
                awaiting.add(r);
            }
            out.add(r);
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid("The manifests have " + problems.size() + " problem(s) (nothing was sent to"
                    + " the cluster):\n  - " + String.join("\n  - ", problems));
        }
        return new Resolved(out, plurals, crds, awaiting);
    }

    /**
     * The digest goes into the environment record, so later environments deploy exactly this build. An
     * environment without a record (in-place staging/production) gets {@code .dbpromote/deploy/<envKey>/deployed.json}
     * instead: a record there would make {@code Targets} take it for a clone's and look for its credential.
     */
    private void record(DeployPlan plan, String image, String rolledBackFrom) {
        if (image == null || (rolledBackFrom == null && plan.digest() == null)) {
            return;
        }
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        Optional<EnvironmentRecord> record = store.find(plan.envKey());
        if (record.isPresent()) {
            EnvironmentRecord r = record.get().withAttribute("image", image);
            if (rolledBackFrom != null) {
                r = r.withAttribute("rolledBackFrom", rolledBackFrom);
            }
            store.save(r);
        } else {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("image", image);
            String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : null;
            if (digest != null) {
                file.put("digest", digest);
            }
            file.put("deployedAt", Instant.now().toString());
            if (rolledBackFrom != null) {
                file.put("rolledBackFrom", rolledBackFrom);
            }
            Json.write(deployedFile(config, plan.envKey()), file);
        }
        progress.line(rolledBackFrom == null ? "Recorded image %s for %s" : "Recorded image %s for %s (running again after the"
                + " rollback of " + rolledBackFrom + ")", image, plan.envKey());
    }

    private static Path deployedFile(Config config, String envKey) {
        return config.stateDir().resolve("deploy").resolve(envKey).resolve("deployed.json");
    }

    private DeployResult finish(DeployRequest request, DeployPlan plan, KubeConnection c, String outcome, boolean success,
            String nsState, String runningImage, List<String> applied, List<DeployResult.Rollout> rollouts, List<String> diagnostics,
            List<String> warnings) {
        DeployResult result = new DeployResult(success, outcome, plan.envKey(), plan.namespace(), nsState,
                c == null ? null : c.context(), plan.image(), plan.digest(), runningImage, plan.summary(), List.copyOf(applied), List.copyOf(rollouts),
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
        if (config.deploy() == null) {
            return notDeployed(request);
        }
        DeployPlan plan = new DeployPlanner(config, environment, progress, resolver).plan(request);
        List<String> warnings = new ArrayList<>(plan.warnings());
        List<String> custom = plan.objects().stream().filter(m -> !KubeKinds.builtIn(m.apiVersion(), m.kind()))
                .map(m -> m.id() + " (" + m.apiVersion() + ", " + m.source() + ")").toList();
        if (!custom.isEmpty()) {
            warn(warnings, "Custom resources rendered but not validated (no cluster to ask by API discovery whether it serves"
                    + " their kinds, their scope and fields): " + String.join(", ", custom) + ".");
        }
        List<String> clusterScoped = plan.objects().stream().filter(m -> m.namespace() == null && !m.kind().equals("Namespace"))
                .map(m -> m.id() + " (" + m.source() + ")").toList();
        if (!clusterScoped.isEmpty() && plan.pr() != null && !config.deploy().allowClusterScoped()) {
            warn(warnings, clusterScopedMessage(plan, clusterScoped) + " A real deploy refuses them.");
        }
        DeployResult result = new DeployResult(true, "planned", plan.envKey(), plan.namespace(), "unknown", null,
                plan.image(), plan.digest(), null, plan.summary(), List.of(), List.of(), List.of(), List.copyOf(warnings),
                plan.renderedDir().toString());
        writeReport(config, result);
        return result;
    }
}
