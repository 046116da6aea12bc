package dev.dbpromote.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.slaves.WorkspaceList;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * A step's {@code credentials: [aws: id, kubeconfig: id, passwords: [VARIABLE: id]]}, looked up by id with the
 * Credentials API for the build (so folder credentials and usage tracking work as with {@code withCredentials}), and
 * handed to the engine as environment variables only: {@code aws} (a "Username with password" credential: access key
 * id / secret access key) → {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}; {@code kubeconfig} (a secret
 * file) → a 0600 copy in the workspace's {@code @tmp} folder named by {@code KUBECONFIG}, deleted on close;
 * {@code passwords} (secret texts) → the variables a {@code passwordEnv} of dbpromote.yaml names.
 * {@link #secrets()} are the values to mask in the log.
 */
final class BoundCredentials implements AutoCloseable {
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();
    private final List<FilePath> files = new ArrayList<>();

    private BoundCredentials() {
    }

    Map<String, String> environment() {
        return environment;
    }

    List<String> secrets() {
        return secrets;
    }

    static BoundCredentials bind(String fn, Map<String, Object> spec, Run<?, ?> run, FilePath workspace)
            throws IOException, InterruptedException {
        BoundCredentials bound = new BoundCredentials();
        if (spec == null || spec.isEmpty()) {
            return bound;
        }
        String problem = problem(spec);
        if (problem != null) {
            throw new AbortException(fn + ": " + problem);
        }
        try {
            Object aws = spec.get("aws");
            if (aws != null) {
                StandardUsernamePasswordCredentials c = find(fn, aws.toString(), StandardUsernamePasswordCredentials.class,
                        "Username with password (access key id / secret access key)", "credentials.aws", run);
                bound.environment.put("AWS_ACCESS_KEY_ID", c.getUsername());
                bound.environment.put("AWS_SECRET_ACCESS_KEY", c.getPassword().getPlainText());
                bound.secrets.add(c.getUsername());
                bound.secrets.add(c.getPassword().getPlainText());
            }
            Object kubeconfig = spec.get("kubeconfig");
            if (kubeconfig != null) {
                FileCredentials c = find(fn, kubeconfig.toString(), FileCredentials.class, "Secret file", "credentials.kubeconfig", run);
                FilePath tmp = WorkspaceList.tempDir(workspace);
                tmp.mkdirs();
                FilePath file = tmp.createTempFile("dbpromote-kubeconfig", "");
                bound.files.add(file);
                file.chmod(0600);
                try (InputStream in = c.getContent()) {
                    file.copyFrom(in);
                }
                bound.environment.put("KUBECONFIG", file.getRemote());
            }
            Object passwords = spec.get("passwords");
            if (passwords != null) {
                for (Map.Entry<String, String> e : sorted((Map<?, ?>) passwords).entrySet()) {
                    StringCredentials c = find(fn, e.getValue(), StringCredentials.class, "Secret text", "credentials.passwords." + e.getKey(), run);
                    bound.environment.put(e.getKey(), c.getSecret().getPlainText());
                    bound.secrets.add(c.getSecret().getPlainText());
                }
            }
            bound.secrets.removeIf(s -> s == null || s.isEmpty());
            return bound;
        } catch (IOException | InterruptedException | RuntimeException e) {
            bound.close();
            throw e;
        }
    }

    private static TreeMap<String, String> sorted(Map<?, ?> map) {
        TreeMap<String, String> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
        return sorted;
    }

    /** The library's credentialsProblem: unknown keys, passwords not a map, a variable that is no environment name. */
    static String problem(Map<String, Object> spec) {
        List<String> unknown = spec.keySet().stream().filter(k -> !List.of("aws", "kubeconfig", "passwords").contains(k))
                .map(k -> "'" + k + "'").sorted().toList();
        if (!unknown.isEmpty()) {
            return "credentials: unknown key" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + ". Valid keys: aws (AWS credential id), kubeconfig (secret file id), passwords ([VARIABLE: secret text id]).";
        }
        Object passwords = spec.get("passwords");
        if (passwords != null && !(passwords instanceof Map<?, ?>)) {
            return "credentials.passwords must be a map of environment variable to secret text id,"
                    + " e.g. passwords: [ORDERS_DB_PASSWORD: 'orders-db-password'].";
        }
        if (passwords != null) {
            for (Object variable : ((Map<?, ?>) passwords).keySet()) {
                if (!String.valueOf(variable).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    return "credentials.passwords: '" + variable + "' is not an environment variable name;"
                            + " use the passwordEnv name from dbpromote.yaml, e.g. passwords: [ORDERS_DB_PASSWORD: 'orders-db-password'].";
                }
            }
        }
        return null;
    }

    private static <C extends StandardCredentials> C find(String fn, String id, Class<C> type, String kind, String where, Run<?, ?> run)
            throws AbortException {
        C c = CredentialsProvider.findCredentialById(id, type, run);
        if (c == null) {
            throw new AbortException(fn + ": no " + kind + " credentials with id '" + id + "' (" + where + ") visible to this job."
                    + " Add it under Manage Jenkins → Credentials (or the job's folder), or fix the id.");
        }
        CredentialsProvider.track(run, c);
        return c;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (FilePath f : files) {
            f.delete();
        }
        files.clear();
    }
}
