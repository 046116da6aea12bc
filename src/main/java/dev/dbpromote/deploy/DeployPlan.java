package dev.dbpromote.deploy;

import dev.dbpromote.core.Secret;
import java.nio.file.Path;
import java.util.List;

/**
 * The final objects for one environment, in apply order, and where they were rendered. The DB Secret's
 * password is held as a {@link Secret} and put into the request body only when it is sent; the body in
 * {@link #objects()} and the rendered file carry {@link Secret#MASK} instead.
 *
 * @param envKey {@code dev-pr-42}
 * @param image the reference the manifests use ({@code name@sha256:…} when the digest is known)
 * @param digest {@code sha256:…}, or null when a tag could not be resolved in plan mode
 * @param secretName the DB Secret's name ({@code ${DB_SECRET}})
 * @param dbPassword null when no database is known yet (plan mode before clone)
 * @param renderedDir {@code .dbpromote/deploy/<envKey>/}
 */
public record DeployPlan(String envKey, String app, String env, String pr, String namespace, String image, String digest,
        String secretName, Secret dbPassword, List<Manifest> objects, List<Summary> summary, Path renderedDir,
        List<String> warnings) {

    /** One line of the plan summary. */
    public record Summary(String kind, String name, String namespace, String source, List<String> images) {
        @Override
        public String toString() {
            return String.format("%-14s %-28s %-20s %s", kind, name, namespace == null ? "-" : namespace,
                    images.isEmpty() ? "" : String.join(", ", images));
        }
    }

    /** Deployments and StatefulSets, whose rollouts are waited for. */
    public List<Manifest> workloads() {
        return objects.stream().filter(m -> m.kind().equals("Deployment") || m.kind().equals("StatefulSet")).toList();
    }
}
