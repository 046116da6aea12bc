package dev.dbpromote.plan;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.config.EnvironmentConfig;
import dev.dbpromote.core.DbPromoteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides the promotion of one build: the ordered stage list the shared library draws, which of them run
 * and why the others do not.
 *
 * <pre>{@code
 * PromotionPlan plan = new PromotionPlanner(config).plan(new PlanRequest("main", null, null, null, null, null, null, msg));
 * }</pre>
 *
 * <p>Environments are taken in dbpromote.yaml's order. One with {@code strategy: clone} is per pull request
 * (its stages run on PR builds); every other one is a promotion target behind an approval gate, run when
 * this build promotes ({@code promote.from}). The list depends only on the config, so every build of a job
 * shows the same stages.
 */
public final class PromotionPlanner {

    public static final String NOT_DEPLOYED = "this service is not deployed by dbpromote (dbpromote.yaml has no deploy section)";

    /** GitHub merge and squash, Bitbucket, GitLab merge commits. */
    private static final Pattern MERGED_PR = Pattern.compile(
            "(?:Merge pull request #|\\(pull request #|merge request \\S*!|\\(#)([0-9]+)");
    private static final Pattern PR_NUMBER = Pattern.compile("[0-9]{1,9}");

    private final Config config;

    public PromotionPlanner(Config config) {
        this.config = config;
    }

    public PromotionPlan plan(PlanRequest request) {
        String from = request.promoteFrom() != null ? request.promoteFrom() : config.promote().from();
        if (!from.equals("main") && !from.equals("pr")) {
            throw DbPromoteException.invalid("--promote-from '" + from + "' is not one of main, pr (or leave it out to use"
                    + " promote.from of " + config.file() + ").");
        }
        String gateTimeout = request.gateTimeout() != null ? request.gateTimeout() : config.promote().gateTimeout();
        long gateSeconds = seconds("--gate-timeout", gateTimeout);
        long timeoutSeconds = seconds("--timeout", request.timeout());
        String pr = request.pr();
        String branch = request.branch();
        boolean isMain = pr == null && branch != null && request.mainBranches().contains(branch);
        boolean promote = from.equals("pr") ? pr != null : isMain;
        String promoteSkip = from.equals("pr")
                ? "promote.from is pr: pull request builds promote, this build is not one"
                : pr != null ? "promote.from is main: pull request builds stop after dev; merge to promote"
                : branch == null ? "this build has no branch name (BRANCH_NAME); builds of " + String.join(", ", request.mainBranches())
                        + " promote (mainBranches)"
                : "branch '" + branch + "' is not one of " + String.join(", ", request.mainBranches()) + " (mainBranches)";

        Map<String, PromotionPlan.Environment> envs = new LinkedHashMap<>();
        config.environments().forEach((name, e) -> envs.put(name, new PromotionPlan.Environment(e.database().strategy(),
                e.database().isClone(), e.isProtected(), e.approvers(), e.warnOnly(), e.credentials())));
        String perPrEnv = config.environments().entrySet().stream().filter(e -> e.getValue().database().isClone())
                .map(Map.Entry::getKey).findFirst().orElse(null);
        String mergedPr = perPrEnv == null || !isMain ? null : mergedPr(request);

        List<Stage> stages = new ArrayList<>();
        stages.add(new Stage("Check", null, "check", true, null, null, null, null, null, null, null));
        if (perPrEnv != null) {
            String reason = mergedPr != null ? null
                    : !isMain ? "not a build of " + String.join(", ", request.mainBranches()) + "; merged pull requests are cleaned up there"
                    : "none".equals(request.mergedPr()) ? "mergedPr is false: merged pull requests' environments are left to the reaper"
                    : "the last commit does not name a merged pull request";
            stages.add(new Stage(title(perPrEnv) + ": Destroy merged PR env", perPrEnv, "env-destroy", mergedPr != null, reason,
                    mergedPr, mergedPr == null ? null : lockName(perPrEnv, mergedPr), null, null, null, null));
        }
        int ordinal = 0;
        for (Map.Entry<String, EnvironmentConfig> e : config.environments().entrySet()) {
            String name = e.getKey();
            EnvironmentConfig env = e.getValue();
            if (env.database().isClone()) {
                String skip = pr == null ? "not a pull request build; " + name + " environments are per pull request" : null;
                perPullRequest(stages, name, env, pr, skip);
            } else {
                ordinal += 10;
                target(stages, name, env, promote ? null : promoteSkip, gateTimeout, gateSeconds, ordinal);
            }
        }
        String summary = "app " + config.app() + ", " + (pr != null ? "PR " + pr : branch != null ? "branch " + branch : "no branch")
                + ", promote.from " + from + ": " + (perPrEnv != null && pr != null ? perPrEnv : "no " + (perPrEnv == null ? "per-PR environment" : perPrEnv))
                + (promote ? ", then " + targets() + " behind approval gates" : ", no promotion")
                + (mergedPr != null ? ", destroys merged PR " + mergedPr + "'s " + perPrEnv + " environment" : "");
        return new PromotionPlan(config.app(), branch, pr, from, promote, mergedPr, gateTimeout, timeoutSeconds, summary, envs,
                List.copyOf(stages));
    }

    private void perPullRequest(List<Stage> stages, String name, EnvironmentConfig env, String pr, String skip) {
        String t = title(name);
        String lock = pr == null ? null : lockName(name, pr);
        String note = pr == null ? null : "the " + name + " environment of PR " + pr + " is kept for inspection until its TTL"
                + " (dbpromote env show --env " + name + " --pr " + pr + "); the reaper deletes it after that.";
        stages.add(work(t + ": Clone DB", name, "clone", skip, pr, lock, null, note));
        stages.add(work(t + ": Migrate", name, "migrate", skip, pr, lock, null, note));
        stages.add(work(t + ": Deploy", name, "deploy", deploySkip(skip), pr, lock, null, note));
        stages.add(work(t + ": Validate", name, "validate", validateSkip(skip), pr, lock, env.warnOnly(), note));
    }

    private void target(List<Stage> stages, String name, EnvironmentConfig env, String skip, String gateTimeout, long gateSeconds,
            int ordinal) {
        String t = title(name);
        String lock = lockName(name, null);
        DatabaseConfig db = env.database();
        stages.add(new Stage("Approve " + name, name, "gate", skip == null, skip, null, null,
                new Stage.Gate(capitalised("promote-" + name), "promote", env.approvers(), gateTimeout, gateSeconds, ordinal),
                null, null, null));
        if ("blue-green".equals(db.strategy())) {
            String deleteGreen = "bluegreen-delete";
            stages.add(work(t + ": Create green", name, "bluegreen-create", skip, null, lock, null, null));
            stages.add(new Stage(t + ": Migrate green", name, "migrate", skip == null, skip, null, lock, null, null, deleteGreen, null));
            stages.add(new Stage(t + ": Validate green", name, "validate", validateSkip(skip) == null, validateSkip(skip), null, lock,
                    null, env.warnOnly(), deleteGreen, null));
            // The lock stays held while a person decides (no executor is held): green belongs to this build until
            // it is switched over or deleted, and no other build may start its own.
            stages.add(new Stage(name.equals("production") ? "Approve switchover" : "Approve " + name + " switchover", name, "gate",
                    skip == null, skip, null, lock,
                    new Stage.Gate(capitalised("switchover-" + name), "switchover", env.approvers(), gateTimeout, gateSeconds, ordinal + 5),
                    null, deleteGreen, null));
            stages.add(work(t + ": Switchover", name, "bluegreen-switchover", skip, null, lock, null, null));
            stages.add(work(t + ": Deploy", name, "deploy", deploySkip(skip), null, lock, null, null));
            return;
        }
        String snapshotSkip = skip != null ? skip : db.snapshotBefore() ? null
                : "snapshotBefore is false for " + name + " (environments." + name + ".database.snapshotBefore)";
        stages.add(work(t + ": Snapshot", name, "snapshot", snapshotSkip, null, lock, null, null));
        stages.add(work(t + ": Migrate", name, "migrate", skip, null, lock, null, null));
        stages.add(work(t + ": Deploy", name, "deploy", deploySkip(skip), null, lock, null, null));
        stages.add(work(t + ": Validate", name, "validate", validateSkip(skip), null, lock, env.warnOnly(), null));
    }

    private static Stage work(String name, String env, String step, String skip, String pr, String lock, Boolean warnOnly, String note) {
        return new Stage(name, env, step, skip == null, skip, pr, lock, null, warnOnly, null, note);
    }

    private String deploySkip(String skip) {
        return skip != null ? skip : config.deploy() == null ? NOT_DEPLOYED : null;
    }

    private String validateSkip(String skip) {
        return skip != null ? skip : config.validate() == null || config.validate().suite() == null
                ? "no expectation suite (validate.suite in dbpromote.yaml)" : null;
    }

    private String targets() {
        List<String> names = config.environments().entrySet().stream().filter(e -> !e.getValue().database().isClone())
                .map(Map.Entry::getKey).toList();
        return names.isEmpty() ? "nothing" : String.join(" and ", names);
    }

    private String lockName(String env, String pr) {
        return "dbpromote-" + config.app() + "-" + env + (pr == null ? "" : "-pr-" + pr);
    }

    private static String mergedPr(PlanRequest request) {
        String given = request.mergedPr();
        if ("none".equals(given)) {
            return null;
        }
        if (given != null) {
            if (!PR_NUMBER.matcher(given).matches()) {
                throw DbPromoteException.invalid("--merged-pr '" + given + "' is not a pull request number; pass the number, 'none'"
                        + " to never destroy, or leave it out to read it from --commit-message.");
            }
            return given;
        }
        Matcher m = MERGED_PR.matcher(request.commitMessage() == null ? "" : request.commitMessage());
        return m.find() ? m.group(1) : null;
    }

    private static long seconds(String option, String text) {
        try {
            Duration d = Durations.parse(text);
            return d.getSeconds();
        } catch (IllegalArgumentException e) {
            throw DbPromoteException.invalid(option + ": " + e.getMessage());
        }
    }

    static String title(String env) {
        return env.substring(0, 1).toUpperCase() + env.substring(1);
    }

    /** Jenkins' input step capitalises the id it is given; the REST URL uses that form. */
    private static String capitalised(String id) {
        return title(id);
    }
}
