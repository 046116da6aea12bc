package dev.dbpromote.plan;

/**
 * One stage the pipeline draws, in order. Every build of a job gets the same list; {@code run} says
 * whether this build does the work, {@code reason} why (always set when skipped).
 *
 * @param name what Blue Ocean / Pipeline Graph View shows, e.g. {@code Staging: Migrate}
 * @param environment the environment it works on, null for {@code Check}
 * @param step what runs: check, env-destroy, clone, migrate, deploy, validate, snapshot, gate,
 *     bluegreen-create, bluegreen-switchover
 * @param pr the pull request the step works for (per-PR environments), else null
 * @param lock the lockable resource held while it runs; consecutive stages with one lock share it
 * @param gate set for {@code step: gate}
 * @param warnOnly a failed validation makes the build UNSTABLE, not FAILED ({@code environments.<env>.warnOnly})
 * @param cleanup the step that runs when this stage fails or its gate is rejected ({@code bluegreen-delete}), or null
 * @param failureNote what the console says when this stage fails, or null
 */
public record Stage(String name, String environment, String step, boolean run, String reason, String pr, String lock,
        Gate gate, Boolean warnOnly, String cleanup, String failureNote) {

    /**
     * An approval gate: Jenkins' {@code input} with {@code submitter}.
     *
     * @param id the input id as Jenkins shows it in the REST URL ({@code input/<id>/proceed}): Jenkins capitalises
     *     the first letter of the id it is given, so this one starts with a capital already
     * @param kind {@code promote} (entering an environment) or {@code switchover} (blue-green)
     * @param approvers user ids or group names allowed to approve; empty: anyone who may build the job
     * @param milestone the ordinal of the milestone before the gate; the one after it is {@code milestone + 1}
     */
    public record Gate(String id, String kind, java.util.List<String> approvers, String timeout, long timeoutSeconds,
            int milestone) {
    }
}
