package dev.dbpromote.plan;

import dev.dbpromote.config.JenkinsCredentials;
import java.util.List;
import java.util.Map;

/**
 * Which stages one build draws and runs, decided from dbpromote.yaml, the branch and the PR
 * ({@code dbpromote plan --output json}). The shared library draws exactly {@link #stages()}.
 *
 * @param environments what the pipeline needs per environment: credentials to bind and how it is promoted
 */
public record PromotionPlan(String app, String branch, String pr, String promoteFrom, boolean promote, String mergedPr,
        String gateTimeout, long timeoutSeconds, String summary, Map<String, Environment> environments, List<Stage> stages) {

    /** An environment as the pipeline sees it; credentials are Jenkins credential ids, never secrets. */
    public record Environment(String strategy, boolean perPullRequest, @com.fasterxml.jackson.annotation.JsonProperty("protected") boolean protected_, List<String> approvers,
            boolean warnOnly, JenkinsCredentials credentials) {
    }
}
