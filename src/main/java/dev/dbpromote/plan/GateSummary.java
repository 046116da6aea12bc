package dev.dbpromote.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.migrate.lint.LintFinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an approval gate shows (its {@code input} message and the build description): the migrations that will run
 * on the target with their lint warnings, the rehearsal forecast and the validation result of the PR's clone, the
 * image, and who approved the previous gate, in at most {@link #MAX_LINES} lines with links to the full reports.
 *
 * <pre>{@code
 * List<String> lines = new GateSummary(config).lines(new GateSummary.Request("production", "42", image, "ann", buildUrl,
 *         pendingScripts, null, lintFindings));
 * }</pre>
 *
 * <p>The rehearsal and the clone's validation are read from the reports under {@code .dbpromote/reports/} of this
 * workspace; a main-branch build, whose PR ran elsewhere, says so instead of guessing.
 */
public final class GateSummary {

    public static final int MAX_LINES = 15;
    private static final int MAX_MIGRATIONS = 5;

    private final Config config;

    public GateSummary(Config config) {
        this.config = config;
    }

    /**
     * @param pending the scripts {@code migrate --dry-run} finds pending on the target, or null when they could not be listed
     * @param pendingProblem why they could not be listed (the database was unreachable), else null
     * @param lint lint findings of the pending scripts
     * @param previousApprover who approved the gate before this one in this build, or null
     * @param buildUrl the build's URL (Jenkins' BUILD_URL), for links to the archived reports; null: paths only
     */
    public record Request(String env, String pr, String image, String previousApprover, String buildUrl, List<String> pending,
            String pendingProblem, List<LintFinding> lint) {
    }

    public List<String> lines(Request r) {
        List<String> lines = new ArrayList<>();
        if (r.pending() == null) {
            lines.add("Migrations on " + r.env() + ": could not be listed (" + r.pendingProblem() + ")");
        } else if (r.pending().isEmpty()) {
            lines.add("Migrations on " + r.env() + ": none pending");
        } else {
            lines.add("Migrations to run on " + r.env() + " (" + r.pending().size() + "): " + String.join(", ",
                    r.pending().stream().limit(MAX_MIGRATIONS).toList()) + (r.pending().size() > MAX_MIGRATIONS ? ", and "
                    + (r.pending().size() - MAX_MIGRATIONS) + " more" : ""));
            r.lint().stream().limit(3).forEach(f -> lines.add("  lint " + f.severity().name().toLowerCase() + " " + f.file() + ":" + f.line()
                    + " " + f.rule() + (f.allowedReason() != null ? " (allowed: " + f.allowedReason() + ")" : "")));
            if (r.lint().size() > 3) {
                lines.add("  and " + (r.lint().size() - 3) + " more lint finding(s): " + link(r.buildUrl(), "reports/lint.json"));
            }
        }
        String perPr = config.environments().entrySet().stream().filter(e -> e.getValue().database().isClone())
                .map(Map.Entry::getKey).findFirst().orElse(null);
        String cloneKey = perPr == null || r.pr() == null ? null : EnvironmentRecord.key(perPr, r.pr());
        JsonNode rehearsal = cloneKey == null ? null : read("reports/migrate-" + cloneKey + ".json");
        JsonNode forecast = rehearsal == null ? null : rehearsal.path("result").path("forecast");
        if (forecast != null && forecast.isTextual()) {
            lines.add("Rehearsal on " + cloneKey + ": " + forecast.asText().replaceFirst("^Forecast for production: ", ""));
        } else {
            lines.add("Rehearsal: " + (cloneKey == null ? "ran in the pull request's own build (see its dev stages)"
                    : "no rehearsal report for " + cloneKey + " in this workspace"));
        }
        JsonNode validation = cloneKey == null ? null : read("reports/validate-" + cloneKey + ".json");
        if (validation != null) {
            JsonNode s = validation.path("statistics");
            int failed = s.path("unsuccessful_expectations").asInt();
            lines.add("Validation of " + cloneKey + ": " + (failed == 0 ? "passed" : "FAILED") + ", "
                    + s.path("successful_expectations").asInt() + " of " + s.path("evaluated_expectations").asInt()
                    + " expectations: " + link(r.buildUrl(), "html/validate-" + cloneKey + ".html"));
        } else if (cloneKey != null) {
            lines.add("Validation of " + cloneKey + ": no report in this workspace");
        }
        lines.add("Image: " + (r.image() == null ? "the one recorded for " + r.env() : r.image()));
        if (r.previousApprover() != null) {
            lines.add("Previous gate approved by " + r.previousApprover());
        }
        if (r.buildUrl() != null) {
            lines.add("All reports: " + r.buildUrl() + "artifact/.dbpromote/");
        }
        return lines.size() > MAX_LINES ? lines.subList(0, MAX_LINES) : lines;
    }

    private JsonNode read(String relative) {
        Path file = config.stateDir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.mapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String link(String buildUrl, String relative) {
        return buildUrl == null ? ".dbpromote/" + relative : buildUrl + "artifact/.dbpromote/" + relative;
    }
}
