package dev.dbpromote.deploy;

import java.util.List;

/**
 * What {@code dbpromote deploy} did. {@link #success()} false means the step ran and the rollout failed
 * (exit 1): {@code rolledBackTo} says whether the previous revision was restored.
 *
 * @param outcome {@code planned}, {@code dry-run}, {@code rolled-out}, {@code rolled-back}, {@code failed-first-deploy}
 * @param namespaceState {@code created}, {@code managed}, {@code foreign} (exists without our label: deployed into, left unlabelled), or {@code unknown}
 */
public record DeployResult(boolean success, String outcome, String envKey, String namespace, String namespaceState,
        String context, String image, String digest, List<DeployPlan.Summary> objects, List<String> applied, List<Rollout> rollouts,
        List<String> diagnostics, List<String> warnings, String renderedDir) {

    /** One workload's rollout. */
    public record Rollout(String workload, String state, String message, Long rolledBackTo) {
    }
}
