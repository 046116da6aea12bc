package dev.dbpromote.deploy;

import dev.dbpromote.config.Placeholders;
import dev.dbpromote.core.DbPromoteException;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a folder of manifests: every {@code *.yaml}/{@code *.yml}/{@code *.json} below it (sorted by path; other
 * files are listed by {@link #skipped()}), several
 * documents per file, {@code ${VAR}} placeholders resolved line by line (so an unresolved one is named
 * with its line), each document of a built-in kind checked with the Kubernetes client's own loader
 * ({@link io.kubernetes.client.util.Yaml}), which refuses fields the kind does not have. Kinds in a
 * Kubernetes API group that the client does not know are typos; kinds in other groups are custom
 * resources, checked against the API server's discovery at deploy time. All problems are collected and reported together, each with file and line, before
 * anything is sent to a cluster.
 */
public final class ManifestLoader {

    private static final Pattern SEPARATOR = Pattern.compile("^---\\s*(#.*)?$");
    private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("Unable to find property '([^']+)'");

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    /** @param values placeholder values (IMAGE, NAMESPACE, … and deploy.vars) */
    public ManifestLoader(Map<String, String> values) {
        this.values = values;
    }

    /** The documents in {@code dir}, in file order; sort with {@link #applyOrder}. */
    public List<Manifest> load(Path dir, Path baseDir) {
        if (!Files.isDirectory(dir)) {
            throw DbPromoteException.invalid("Manifest folder " + dir + " does not exist. Put the service's Kubernetes YAML"
                    + " there, or set deploy.manifests in dbpromote.yaml to the folder that has it.");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.filter(Files::isRegularFile).sorted().toList();
            files = all.stream().filter(ManifestLoader::readable).toList();
            all.stream().filter(p -> !readable(p)).forEach(p -> skipped.add(baseDir.relativize(p.toAbsolutePath()).toString()));
        } catch (IOException e) {
            throw DbPromoteException.invalid("Cannot read manifest folder " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw DbPromoteException.invalid("Manifest folder " + dir + " has no .yaml, .yml or .json files"
                    + (skipped.isEmpty() ? "" : " (it has " + String.join(", ", skipped) + ", which are not read)")
                    + ". Add the service's Deployment (and Service, ...) there.");
        }
        List<Manifest> out = new ArrayList<>();
        for (Path file : files) {
            String shown = baseDir.relativize(file.toAbsolutePath()).toString();
            try {
                loadFile(shown, Files.readAllLines(file), out);
            } catch (IOException e) {
                problems.add(shown + ": cannot be read: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid("The manifests in " + baseDir.relativize(dir.toAbsolutePath()) + " have "
                    + (problems.size() == 1 ? "a problem" : problems.size() + " problems")
                    + " (nothing was sent to the cluster):\n  - " + String.join("\n  - ", problems));
        }
        return out;
    }

    /** Dependency order, stable within a rank (file order). */
    public static List<Manifest> applyOrder(List<Manifest> manifests) {
        return manifests.stream().sorted(Comparator.comparingInt(KubeKinds::rank)).toList();
    }

    /** The extensions {@code kubectl apply -f DIR} reads (k8s.io/cli-runtime resource.FileExtensions). */
    private static boolean readable(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    /** Files of the folder that were not read (not .yaml, .yml or .json), relative to the config's folder. */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    private void loadFile(String file, List<String> lines, List<Manifest> out) {
        StringBuilder doc = new StringBuilder();
        int docStart = 1;
        for (int i = 0; i <= lines.size(); i++) {
            boolean end = i == lines.size();
            String line = end ? null : lines.get(i);
            if (end || SEPARATOR.matcher(line).matches() || line.equals("...")) {
                document(file, docStart, doc.toString(), out);
                doc.setLength(0);
                docStart = i + 2;
                continue;
            }
            doc.append(resolve(file, i + 1, line)).append('\n');
        }
    }

    private String resolve(String file, int lineNr, String line) {
        if (line.stripLeading().startsWith("#")) {
            return line;
        }
        if (!values.containsKey("PR") && line.contains("${PR}")) {
            problems.add(file + ":" + lineNr + ": ${PR} has no value: this deploy has no --pr (a fixed environment)."
                    + " Pass --pr N, or give a default: ${PR:-none}.");
            return line.replace("${", "$_{");
        }
        try {
            return Placeholders.resolveRuntime(line, values, file + ":" + lineNr);
        } catch (DbPromoteException e) {
            problems.add(e.getMessage());
            return line.replace("${", "$_{"); // keep parsing the rest for more problems
        }
    }

    private void document(String file, int startLine, String text, List<Manifest> out) {
        if (text.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
            return;
        }
        Object raw;
        try {
            raw = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            // At the end of the document the problem mark points past it; the context mark is where the
            // unclosed construct began, which is what a person needs to look at.
            var mark = e.getProblemMark();
            if ((mark == null || mark.getLine() >= text.lines().count()) && e.getContextMark() != null) {
                mark = e.getContextMark();
            }
            int line = startLine + (mark != null ? mark.getLine() : 0);
            problems.add(file + ":" + line + ": not valid YAML: " + firstLine(e.getProblem())
                    + ". Fix the syntax (indentation, quotes, a ':' after each key).");
            return;
        } catch (YAMLException e) {
            problems.add(file + ":" + startLine + ": not valid YAML: " + firstLine(e.getMessage()));
            return;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            problems.add(file + ":" + startLine + ": a manifest must be a mapping with apiVersion, kind and metadata;"
                    + " found " + (raw == null ? "nothing" : raw.getClass().getSimpleName()));
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) map;
        String where = file + ":" + startLine;
        Object apiVersion = body.get("apiVersion");
        Object kind = body.get("kind");
        if (!(apiVersion instanceof String) || !(kind instanceof String)) {
            problems.add(where + ": missing " + (apiVersion instanceof String ? "kind" : "apiVersion")
                    + ". Every manifest needs apiVersion and kind (e.g. apiVersion: apps/v1, kind: Deployment).");
            return;
        }
        if (!KubeKinds.builtIn((String) apiVersion, (String) kind)) {
            if (KubeKinds.kubernetesGroup((String) apiVersion)) {
                problems.add(where + ": unknown kind " + kind + " (apiVersion " + apiVersion + "): Kubernetes has no such"
                        + " kind in that API group. Check the spelling and apiVersion (e.g. apps/v1 for Deployment).");
                return;
            }
            // A custom resource: the API server says at deploy time whether it serves the kind (API discovery).
        } else {
            try {
                Object typed = io.kubernetes.client.util.Yaml.load(text);
                if (typed instanceof DynamicKubernetesObject) {
                    problems.add(where + ": unknown kind " + kind + " (apiVersion " + apiVersion + ").");
                    return;
                }
            } catch (YAMLException | IOException e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                Matcher m = UNKNOWN_PROPERTY.matcher(msg);
                if (m.find()) {
                    problems.add(file + ":" + lineOf(text, m.group(1), startLine) + ": " + kind + " has no field '" + m.group(1)
                            + "'. Check its spelling and indentation against the " + apiVersion + " " + kind + " reference.");
                } else {
                    problems.add(where + ": " + kind + " cannot be read by the Kubernetes client: " + firstLine(msg));
                }
                return;
            }
        }
        Object metadata = body.get("metadata");
        Object name = metadata instanceof Map<?, ?> md ? md.get("name") : null;
        if (!(name instanceof String s) || s.isBlank()) {
            problems.add(where + ": " + kind + " has no metadata.name. Server-side apply needs a fixed name"
                    + " (generateName is not supported); add metadata: {name: ...}.");
            return;
        }
        Object ns = ((Map<?, ?>) metadata).get("namespace");
        out.add(new Manifest(where, (String) apiVersion, (String) kind, (String) name,
                ns instanceof String n ? n : null, body));
    }

    private static int lineOf(String text, String key, int startLine) {
        Pattern p = Pattern.compile("^\\s*(- )?" + Pattern.quote(key) + "\\s*:");
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (p.matcher(lines.get(i)).find()) {
                return startLine + i;
            }
        }
        return startLine;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse(s).trim();
    }
}
