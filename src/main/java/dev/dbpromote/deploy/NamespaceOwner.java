package dev.dbpromote.deploy;

import java.util.Map;
import java.util.Objects;

/**
 * Whose a namespace is, from its labels. dbpromote applies into, relabels or deletes a namespace only when
 * it is this app's: {@code dbpromote/app} (and, where set, {@code dbpromote/env} and {@code dbpromote/pr})
 * must match, whatever {@code app.kubernetes.io/managed-by} says, because every dbpromote app writes the same
 * managed-by value.
 */
final class NamespaceOwner {

    static final String APP = "dbpromote/app";
    static final String ENV = "dbpromote/env";
    static final String PR = "dbpromote/pr";

    private NamespaceOwner() {
    }

    /** Why {@code namespace} is not this app's environment's, or null when it is (or carries no dbpromote labels). */
    static String conflict(String namespace, Map<String, String> labels, String app, String env, String pr) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        String theirApp = l.get(APP);
        if (theirApp != null && !theirApp.equals(app)) {
            return "Namespace '" + namespace + "' belongs to dbpromote app '" + theirApp + "' (label " + APP + "=" + theirApp
                    + "), not to '" + app + "'. dbpromote never deploys into, relabels or deletes another app's namespace."
                    + " Give this environment its own namespace (environments." + env + ".namespace in dbpromote.yaml).";
        }
        String theirEnv = l.get(ENV);
        if (theirApp != null && theirEnv != null && !theirEnv.equals(env)) {
            return "Namespace '" + namespace + "' is app '" + app + "''s environment '" + theirEnv + "' (label " + ENV + "="
                    + theirEnv + "), not '" + env + "'. Give each environment its own namespace (environments." + env
                    + ".namespace).";
        }
        String theirPr = l.get(PR);
        if (theirApp != null && theirPr != null && !Objects.equals(theirPr, pr)) {
            return "Namespace '" + namespace + "' is app '" + app + "''s pull request " + theirPr + " (label " + PR + "=" + theirPr
                    + "), not " + (pr == null ? "a fixed environment" : "pull request " + pr) + ". Use ${PR} in environments."
                    + env + ".namespace so each PR gets its own.";
        }
        return null;
    }

    /** Our labels are all there with our values (so the Namespace need not be applied again). */
    static boolean labelsMatch(Map<String, String> labels, Map<String, Object> wanted) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return wanted.entrySet().stream().allMatch(e -> String.valueOf(e.getValue()).equals(l.get(e.getKey())));
    }
}
