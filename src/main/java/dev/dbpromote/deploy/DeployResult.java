package dev.dbpromote.deploy;

import java.util.List;

/**
 * What {@code dbpromote deploy} did. {@link #success()} false means the step ran and the rollout (or the
 * apply) failed (exit 1); each {@link Rollout} says whether it was undone and which image runs now.
 *
 * @param outcome {@code planned}, {@code dry-run}, {@code rolled-out}, {@code rolled-back} (at least one workload
 *     was undone), {@code failed} (a rollout failed and nothing was undone: the deploy changed no pod template,
 *     or it was a first deploy), {@code apply-failed} (the API server refused an object after others were applied),
 *     {@code not-deployed} (dbpromote.yaml has no {@code deploy:} section)
 * @param namespaceState {@code created}, {@code managed} (ours, labels already right: not re-applied),
 *     {@code relabelled} (ours, labels updated), {@code foreign} (exists without our labels: deployed into,
 *     left unlabelled), or {@code unknown}
 * @param image the image this deploy applied (null when no manifest uses {@code ${IMAGE}})
 * @param runningImage the image the workloads' pod templates name after this run: {@link #image()} when rolled
 *     out, the restored one after an undo; null when unknown (plan, first deploy that failed)
 */
public record DeployResult(boolean success, String outcome, String envKey, String namespace, String namespaceState,
        String context, String image, String digest, String runningImage, List<DeployPlan.Summary> objects,
        List<String> applied, List<Rollout> rollouts, List<String> diagnostics, List<String> warnings, String renderedDir) {

    /**
     * One workload's rollout.
     *
     * @param undo null (rolled out), {@code rolled-back}, {@code not-undone-unchanged} (this deploy did not change
     *     its pod template, so there was nothing of this run's to undo), {@code not-undone-first-deploy}
     * @param rolledBackTo the revision restored (the one current before this deploy), when known
     * @param runningImage the image its pod template names now
     */
    public record Rollout(String workload, String state, String message, String undo, Long rolledBackTo, String runningImage) {
    }
}
