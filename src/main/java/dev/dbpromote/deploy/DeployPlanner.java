package dev.dbpromote.deploy;

import dev.dbpromote.bluegreen.BlueGreenTargets;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.DeployConfig;
import dev.dbpromote.config.EnvironmentConfig;
import dev.dbpromote.config.Placeholders;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Plan mode, no cluster needed: resolves the image to a digest, reads and checks the manifests, adds
 * the namespace and the DB Secret, labels everything, orders it, and renders the final objects to
 * {@code .dbpromote/deploy/<envKey>/}. {@link K8sDeploy} applies what this returns.
 *
 * <pre>{@code
 * DeployPlan plan = new DeployPlanner(config, System::getenv, Progress.to(System.err))
 *         .plan(DeployRequest.plan("dev", "42", "registry.example.com/orders@sha256:…"));
 * plan.summary().forEach(System.out::println);
 * }</pre>
 */
public final class DeployPlanner {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "dbpromote";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final Config config;
    private final Function<String, String> environment;
    private final Progress progress;
    private final DigestResolver resolver;

    /** Plan mode without registry look-ups: images given by tag are rendered by tag, with a warning. */
    public DeployPlanner(Config config, Function<String, String> environment, Progress progress) {
        this(config, environment, progress, null);
    }

    public DeployPlanner(Config config, Function<String, String> environment, Progress progress, DigestResolver resolver) {
        this.config = config;
        this.environment = environment;
        this.progress = progress;
        this.resolver = resolver;
    }

    public DeployPlan plan(DeployRequest request) {
        EnvironmentConfig envConfig = config.environment(request.env());
        DeployConfig deploy = config.deploy() == null ? DeployConfig.DEFAULT : config.deploy();
        String envKey = EnvironmentRecord.key(request.env(), request.pr());
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        List<String> warnings = new ArrayList<>();

        Path dir = config.resolve(deploy.manifests());
        boolean usesImage = usesImage(dir);
        ImageRef image = image(request, deploy, store.find(envKey), warnings, usesImage);
        String namespace = namespaceFor(config, request.env(), request.pr());

        Map<String, String> basics = new LinkedHashMap<>();
        basics.put("APP", config.app());
        basics.put("ENV", request.env());
        if (request.pr() != null) {
            basics.put("PR", request.pr());
        }
        String secretName = deploy.secretName() == null ? config.app() + "-db"
                : Placeholders.resolveRuntime(deploy.secretName(), basics, "deploy.secretName");

        ConnectionSpec db = database(request, warnings);
        Map<String, String> values = new TreeMap<>(deploy.vars());
        values.putAll(basics);
        if (image != null) {
            values.put("IMAGE", image.pinned());
        }
        values.put("NAMESPACE", namespace);
        values.put("DB_SECRET", secretName);
        values.put("DB_HOST", db == null ? "pending-clone" : db.host());
        values.put("DB_PORT", db == null ? "3306" : String.valueOf(db.port()));
        values.put("DB_NAME", db == null || db.database() == null ? "" : db.database());
        values.put("DB_USER", db == null ? "" : db.user());

        ManifestLoader loader = new ManifestLoader(values);
        List<Manifest> loaded = loader.load(dir, config.baseDir());
        if (!loader.skipped().isEmpty()) {
            warnings.add("Not read (kubectl apply -f reads only .yaml, .yml and .json files): " + String.join(", ", loader.skipped())
                    + ". Rename them if they are manifests, or move them out of " + deploy.manifests() + ".");
        }
        Map<String, String> labels = labels(request);
        List<String> problems = new ArrayList<>();
        for (Manifest m : loaded) {
            if (m.kind().equals("Namespace")) {
                problems.add(m.source() + ": Namespace objects come from environments." + request.env()
                        + ".namespace in dbpromote.yaml; remove this one (dbpromote creates and labels '" + namespace + "').");
            } else if (m.kind().equals("Secret") && m.name().equals(secretName)) {
                problems.add(m.source() + ": Secret '" + secretName + "' is the DB Secret dbpromote writes; refer to it"
                        + " as ${DB_SECRET} and remove this manifest.");
            } else if (m.namespace() != null && !m.namespace().equals(namespace) && !KubeKinds.clusterScoped(m.kind())) {
                problems.add(m.source() + ": " + m.id() + " names namespace '" + m.namespace() + "' but this environment"
                        + " deploys into '" + namespace + "'. Remove metadata.namespace or write ${NAMESPACE}.");
            }
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid("The manifests have " + problems.size() + " problem(s) (nothing was sent"
                    + " to the cluster):\n  - " + String.join("\n  - ", problems));
        }

        List<Manifest> objects = new ArrayList<>();
        objects.add(namespaceObject(namespace, labels));
        if (db != null) {
            objects.add(dbSecretObject(secretName, namespace, labels, db));
        } else {
            warnings.add("No database is known for " + envKey + " yet, so the DB Secret is not part of this plan;"
                    + " run 'dbpromote clone' first for a real deploy.");
        }
        List<Manifest> crds = loaded.stream().filter(m -> m.kind().equals("CustomResourceDefinition")).toList();
        for (Manifest m : loaded) {
            Map<String, Object> md = m.metadata();
            boolean clusterScoped = KubeKinds.clusterScoped(m.kind())
                    || CrdWaiter.defines(crds, m).map(r -> !r.namespaced()).orElse(false);
            if (!clusterScoped) {
                md.put("namespace", namespace);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) md.computeIfAbsent("labels", k -> new LinkedHashMap<>());
            l.putAll(labels);
            objects.add(new Manifest(m.source(), m.apiVersion(), m.kind(), m.name(), clusterScoped ? null : namespace, m.body()));
        }
        objects = ManifestLoader.applyOrder(objects);
        if (objects.stream().noneMatch(m -> m.kind().equals("Deployment") || m.kind().equals("StatefulSet"))) {
            warnings.add("The manifests have no Deployment or StatefulSet: nothing to wait for.");
        }

        List<DeployPlan.Summary> summary = new ArrayList<>();
        for (Manifest m : objects) {
            List<String> images = Workloads.images(m.kind(), m.body());
            for (String img : images) {
                if (!ImageRef.isPinned(img)) {
                    warnings.add(m.id() + " (" + m.source() + ") runs image '" + img + "' by tag, not by digest;"
                            + " staging and production may get a different build.");
                }
            }
            summary.add(new DeployPlan.Summary(m.kind(), m.name(), m.namespace(), m.source(), images));
        }
        Path rendered = render(config.stateDir().resolve("deploy").resolve(envKey), objects);
        warnings.forEach(w -> progress.line("warning: " + w));
        return new DeployPlan(envKey, config.app(), request.env(), request.pr(), namespace, image == null ? null : image.pinned(),
                image == null ? null : image.digest(),
                secretName, db == null ? null : db.password(), List.copyOf(objects), List.copyOf(summary), rendered,
                List.copyOf(warnings));
    }

    /**
     * Whether a manifest names {@code ${IMAGE}} (outside comments): only then is an image required. A service
     * whose manifests pin their own images (a third-party chart's output, an operator's custom resource) is
     * deployed without {@code --image}, and nothing is recorded for promotion.
     */
    private static boolean usesImage(Path dir) {
        if (!Files.isDirectory(dir)) {
            return true; // the loader reports the missing folder
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
                    continue;
                }
                for (String line : Files.readAllLines(p)) {
                    if (!line.stripLeading().startsWith("#") && line.contains("${IMAGE")) {
                        return true;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return true;
        }
        return false;
    }

    private ImageRef image(DeployRequest request, DeployConfig deploy, Optional<EnvironmentRecord> record, List<String> warnings,
            boolean usesImage) {
        String text = request.image();
        if (text == null || text.isBlank()) {
            text = record.map(r -> r.attributes().get("image")).orElse(null);
            if (text == null && !usesImage) {
                progress.line("Image: none needed (no manifest in " + deploy.manifests() + " uses ${IMAGE})");
                return null;
            }
            if (text == null) {
                throw DbPromoteException.invalid("No --image given and none recorded for " + EnvironmentRecord.key(request.env(), request.pr())
                        + ", and the manifests use ${IMAGE}. Pass the build's image, e.g. --image registry.example.com/"
                        + config.app() + "@sha256:<digest>.");
            }
            progress.line("Image: " + text + " (recorded for this environment by an earlier deploy)");
        }
        ImageRef ref = ImageRef.parse(text);
        if (ref.hasDigest()) {
            return ref;
        }
        if (deploy.requireDigest()) {
            throw DbPromoteException.invalid("Image '" + text + "' is given by tag, and deploy.requireDigest is true. Pass it by"
                    + " digest (" + ref.name() + "@sha256:<digest>, e.g. from 'docker buildx build --metadata-file' or"
                    + " 'crane digest " + ref.pinned() + "') so every environment runs the same build.");
        }
        if (resolver == null) {
            warnings.add("Image '" + text + "' is by tag and was not resolved to a digest in plan mode.");
            return ref;
        }
        try {
            String digest = resolver.resolve(ref);
            progress.line("Image: resolved " + ref.pinned() + " to " + digest + " (used from here on; later environments get the same digest)");
            return ref.withDigest(digest);
        } catch (DbPromoteException e) {
            if (request.dryRun() && e.kind() == DbPromoteException.Kind.EXTERNAL) {
                warnings.add("Could not resolve '" + text + "' to a digest (" + e.getMessage() + "); rendered by tag.");
                return ref;
            }
            throw e;
        }
    }

    /** {@code environments.<env>.namespace} with PR/APP/ENV filled in; default {@code <app>-pr-<pr>} or {@code <app>-<env>}. */
    public static String namespaceFor(Config config, String env, String pr) {
        EnvironmentConfig envConfig = config.environment(env);
        String template = envConfig.namespace() != null ? envConfig.namespace()
                : pr != null ? "${APP}-pr-${PR}" : "${APP}-${ENV}";
        Map<String, String> values = new TreeMap<>();
        values.put("APP", config.app());
        values.put("ENV", env);
        if (pr != null) {
            values.put("PR", pr);
        }
        if (pr == null && template.contains("${PR}")) {
            throw DbPromoteException.invalid("environments." + env + ".namespace is '" + template
                    + "', which needs a pull request number. Pass --pr N.");
        }
        String ns = Placeholders.resolveRuntime(template, values, "environments." + env + ".namespace");
        if (!DNS_LABEL.matcher(ns).matches()) {
            throw DbPromoteException.invalid("Namespace '" + ns + "' (environments." + env + ".namespace) is not a"
                    + " valid Kubernetes namespace name: lowercase letters, digits and '-', at most 63, starting and"
                    + " ending with a letter or digit.");
        }
        return ns;
    }

    private ConnectionSpec database(DeployRequest request, List<String> warnings) {
        try {
            return BlueGreenTargets.of(config, environment).connection(request.env(), request.pr());
        } catch (DbPromoteException e) {
            if (request.dryRun() && e.kind() == DbPromoteException.Kind.INVALID_INPUT) {
                warnings.add("DB connection not available for plan: " + e.getMessage());
                return null;
            }
            throw e;
        }
    }

    private Map<String, String> labels(DeployRequest request) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put("dbpromote/app", config.app());
        labels.put("dbpromote/env", request.env());
        if (request.pr() != null) {
            labels.put("dbpromote/pr", request.pr());
        }
        return labels;
    }

    private static Manifest namespaceObject(String namespace, Map<String, String> labels) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", namespace);
        md.put("labels", new LinkedHashMap<>(labels));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "v1");
        body.put("kind", "Namespace");
        body.put("metadata", md);
        return new Manifest("dbpromote", "v1", "Namespace", namespace, null, body);
    }

    /** The body carries the mask; {@link KubeApplier} puts the real password in when it sends it. */
    private static Manifest dbSecretObject(String name, String namespace, Map<String, String> labels, ConnectionSpec db) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", name);
        md.put("namespace", namespace);
        md.put("labels", new LinkedHashMap<>(labels));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("host", db.host());
        data.put("port", String.valueOf(db.port()));
        data.put("database", db.database() == null ? "" : db.database());
        data.put("user", db.user());
        data.put("password", Secret.MASK);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "v1");
        body.put("kind", "Secret");
        body.put("metadata", md);
        body.put("type", "Opaque");
        body.put("stringData", data);
        return new Manifest(DB_SECRET_SOURCE, "v1", "Secret", name, namespace, body);
    }

    static final String DB_SECRET_SOURCE = "dbpromote (DB connection)";

    private static Path render(Path dir, List<Manifest> objects) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(0);
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(options);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.delete(p);
                }
            }
            int i = 1;
            for (Manifest m : objects) {
                String file = String.format("%02d-%s-%s.yaml", i++, m.kind().toLowerCase(), m.name());
                Files.writeString(dir.resolve(file), "# from " + m.source() + "\n" + yaml.dump(m.body()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the rendered manifests to " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }
}
