package dev.dbpromote.cli;

import dev.dbpromote.deploy.DeployResult;
import dev.dbpromote.migrate.MigrateResult;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.validate.ExpectationResult;
import dev.dbpromote.validate.SourceComparison;
import dev.dbpromote.validate.ValidationResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code problem} text of a command that ran and found a problem (exit 1): what a person needs to act on,
 * in a few lines, the same words the text output uses. {@link CliContext#json} adds it to the JSON result and
 * prints it on stderr; exceptions (exit 2, 3, 4) get their message as {@code problem} in {@link Cli}. The
 * Jenkins library shows this text in the console and in the error that fails the stage.
 */
final class Problems {

    /** Failed expectations listed before "and N more". */
    static final int MAX_LISTED = 10;

    private Problems() {
    }

    static String migrate(MigrateResult r) {
        if (r.success()) {
            return null;
        }
        if (r.failure() != null) {
            return "Migration FAILED on " + r.database() + ": " + r.failure().describe();
        }
        if (!r.lint().blocking().isEmpty()) {
            return "Not migrated: " + blocking(r.lint().blocking());
        }
        return "Migration FAILED on " + r.database() + ".";
    }

    static String lint(LintReport report) {
        return report.blocking().isEmpty() ? null : blocking(report.blocking());
    }

    private static String blocking(List<LintFinding> findings) {
        List<String> lines = new ArrayList<>();
        lines.add(findings.size() + " lint error(s) block the migrations:");
        findings.stream().limit(MAX_LISTED).forEach(f -> lines.add("  " + f.format()));
        more(lines, findings.size());
        lines.add("Fix them, or allow one in its file with '-- dbpromote:allow <rule> <reason>'.");
        return String.join("\n", lines);
    }

    static String validate(ValidationResult r) {
        if (r.success()) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        List<ExpectationResult> failed = r.results().stream().filter(x -> !x.success()).toList();
        var s = r.statistics();
        lines.add((s.evaluatedExpectations() - s.successfulExpectations()) + " of " + s.evaluatedExpectations() + " expectations failed on "
                + r.database() + (r.warnOnly() ? " (warn-only)" : "") + ":");
        failed.stream().limit(MAX_LISTED).forEach(x -> {
            Object column = x.kwargs().get("column");
            lines.add("  " + x.table() + (column == null ? "" : "." + column) + ": " + x.type() + " — " + x.message()
                    + (x.line() > 0 ? " (" + r.suiteFile().getFileName() + ":" + x.line() + ")" : ""));
        });
        more(lines, failed.size());
        if (r.comparison() != null) {
            r.comparison().tables().stream().filter(SourceComparison.TableDiff::failsRun)
                    .forEach(d -> lines.add("  DIFF " + d.table() + ": " + d.status() + " — " + d.message()));
        }
        lines.add("Report: " + r.reports().html());
        return String.join("\n", lines);
    }

    static String deploy(DeployResult r) {
        if (r.success()) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        lines.add("deploy " + r.envKey() + ": " + r.outcome() + " in namespace " + r.namespace() + " (image " + r.image() + ")");
        r.rollouts().stream().filter(ro -> !"complete".equalsIgnoreCase(ro.state()))
                .forEach(ro -> lines.add("  " + ro.workload() + ": " + ro.state() + " — " + ro.message()));
        if (r.runningImage() != null && !r.runningImage().equals(r.image())) {
            lines.add("  now running: " + r.runningImage());
        }
        r.diagnostics().stream().limit(MAX_LISTED).forEach(d -> lines.add("  " + d));
        more(lines, r.diagnostics().size());
        return String.join("\n", lines);
    }

    private static void more(List<String> lines, int total) {
        if (total > MAX_LISTED) {
            lines.add("  and " + (total - MAX_LISTED) + " more (see the report)");
        }
    }
}
