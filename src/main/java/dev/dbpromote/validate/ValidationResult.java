package dev.dbpromote.validate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of {@link DataValidate#run}: every expectation's result, the comparison with the source
 * (null when not asked for), and where the reports were written.
 *
 * @param warnOnly {@code --warn-only}: failures are reported but the run does not fail
 * @param success no expectation failed (warn-only ones excepted) and no untouched table differs from the source
 * @param queries data queries run (scans, reference checks, custom queries, sample fetches)
 */
public record ValidationResult(String suite, Path suiteFile, String database, String server, String strategy,
        boolean success, boolean warnOnly, Statistics statistics, List<ExpectationResult> results, SourceComparison.Result comparison,
        int queries, Instant startedAt, Duration duration, Reports reports) {

    /** The step found a problem that should stop the pipeline (exit 1): something failed and the run is not warn-only. */
    public boolean failsRun() {
        return !success && !warnOnly;
    }

    /** GX's statistics block. */
    public record Statistics(int evaluatedExpectations, int successfulExpectations, int unsuccessfulExpectations,
            int warnings, double successPercent) {

        static Statistics of(List<ExpectationResult> results) {
            int ok = (int) results.stream().filter(ExpectationResult::success).count();
            int warn = (int) results.stream().filter(r -> !r.success() && r.warnOnly()).count();
            int n = results.size();
            return new Statistics(n, ok, n - ok, warn, n == 0 ? 100.0 : Math.round(10000.0 * ok / n) / 100.0);
        }
    }

    /** The three report files (absolute paths), or nulls when none were written. */
    public record Reports(Path json, Path junit, Path html) {
    }

    ValidationResult withReports(Reports r) {
        return new ValidationResult(suite, suiteFile, database, server, strategy, success, warnOnly, statistics, results, comparison,
                queries, startedAt, duration, r);
    }
}
