package dev.dbpromote.deploy;

import java.time.Duration;

/**
 * What {@code dbpromote deploy} was asked to do.
 *
 * @param env environment name from dbpromote.yaml
 * @param pr pull request number, or null for fixed environments
 * @param image {@code name@sha256:…} or {@code name:tag}; null re-uses the digest recorded for this environment
 * @param dryRun render and (with a cluster) server-side dry-run only
 * @param forceConflicts take over fields another field manager owns ({@code kubectl apply --force-conflicts})
 * @param timeout rollout wait; null for deploy.timeout
 */
public record DeployRequest(String env, String pr, String image, boolean dryRun, boolean forceConflicts, Duration timeout) {

    /** Plan mode: render only. */
    public static DeployRequest plan(String env, String pr, String image) {
        return new DeployRequest(env, pr, image, true, false, null);
    }
}
