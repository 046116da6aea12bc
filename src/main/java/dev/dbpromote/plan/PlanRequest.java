package dev.dbpromote.plan;

import java.util.List;

/**
 * What the pipeline knows about one build, for {@link PromotionPlanner}.
 *
 * @param branch the branch being built (Jenkins' {@code BRANCH_NAME}); null for a job without one
 * @param pr the pull request number (Jenkins' {@code CHANGE_ID}); null when this is not a PR build
 * @param mainBranches the branches whose builds promote when {@code promote.from} is {@code main}
 * @param promoteFrom overrides {@code promote.from} ({@code main} or {@code pr}); null: the config's
 * @param gateTimeout overrides {@code promote.gateTimeout}; null: the config's
 * @param timeout how long the work in one environment may take (default 4h)
 * @param mergedPr the PR whose dev environment a main-branch build destroys: a number, {@code none}, or
 *     null to read it from {@code commitMessage}
 * @param commitMessage the last commit's message (a merge commit names the PR it merged)
 */
public record PlanRequest(String branch, String pr, List<String> mainBranches, String promoteFrom, String gateTimeout,
        String timeout, String mergedPr, String commitMessage) {

    public static final List<String> DEFAULT_MAIN_BRANCHES = List.of("main", "master");
    public static final String DEFAULT_TIMEOUT = "4h";

    public PlanRequest {
        mainBranches = mainBranches == null || mainBranches.isEmpty() ? DEFAULT_MAIN_BRANCHES : List.copyOf(mainBranches);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }
}
