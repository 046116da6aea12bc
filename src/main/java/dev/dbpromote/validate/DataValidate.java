package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs an expectation suite against a database, optionally compares it with its source, and writes the
 * JSON, JUnit XML and HTML reports. Suite problems are reported before any data is read.
 *
 * <pre>{@code
 * ValidationResult r = new DataValidate(Progress.to(System.err)).run(
 *         ValidateRequest.of(clone, source, Path.of("db/expectations.yaml"), Set.of("orders"), stateDir, "dev-pr-42"));
 * if (r.failsRun()) { ... r.reports().html() ... }
 * }</pre>
 */
public final class DataValidate {

    private final Progress progress;
    private final Clock clock;

    public DataValidate(Progress progress) {
        this(progress, Clock.systemUTC());
    }

    /** @param clock what {@code now()} in the suite's parameter expressions reads */
    public DataValidate(Progress progress, Clock clock) {
        this.progress = progress;
        this.clock = clock;
    }

    /** For {@code dbpromote demo}: default strategy and sample size, reports under {@code stateDir}. */
    public static ValidationResult run(ConnectionSpec target, ConnectionSpec sourceOrNull, Path suite, Set<String> touchedTables,
            Path stateDir, String envKey) {
        return new DataValidate(Progress.silent()).run(ValidateRequest.of(target, sourceOrNull, suite, touchedTables, stateDir, envKey));
    }

    public ValidationResult run(ValidateRequest request) {
        return run(request, null);
    }

    /**
     * As {@link #run(ValidateRequest)}, reading the source through a connection {@code openSource} gives (closed here):
     * a blue/green green is compared with blue inside a snapshot taken at the binlog position green was stopped at.
     */
    public ValidationResult run(ValidateRequest request, java.util.function.Supplier<Connection> openSource) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        Suite suite = new SuiteLoader(request.parameters(), clock).load(request.suite());
        progress.line("Validating %s with suite '%s' (%d expectations, %s)", request.target().describe(), suite.name(),
                suite.expectations().size(), request.strategy().label());
        try (Connection target = Jdbc.open(request.target());
             Connection source = request.source() == null ? null : openSource != null ? openSource.get() : Jdbc.open(request.source())) {
            // Validation only reads: a read-only session makes a custom query that tries to write fail.
            target.setReadOnly(true);
            if (source != null) {
                source.setReadOnly(true);
            }
            Schema schema = Schema.read(target, request.target().database());
            if (schema.server().mariaDb() && suite.expectations().stream().anyMatch(DataValidate::hasSpaceEscape)) {
                schema = schema.withServer(schema.server().withSpaceClass(PcreWhitespace.probe(target)));
            }
            SuiteChecker.Checked checked = new SuiteChecker(suite, schema, source != null).check(target);
            ExpectationRunner runner = new ExpectationRunner(target, source, request.source() == null ? null : request.source().database(),
                    schema, request.strategy(), request.sampleRows(), progress);
            List<ExpectationResult> results = new ArrayList<>(runner.run(suite, checked));
            SourceComparison.Result comparison = null;
            if (source != null) {
                progress.line("Comparing with the source %s", request.source().describe());
                comparison = new SourceComparison(source, request.source().database(), target, request.target().database(),
                        request.touchedTables(), Math.max(1, request.sampleRows()), request.compareChunkKeys(), progress)
                        .compare(request.source().describe());
            }
            boolean ok = results.stream().noneMatch(ExpectationResult::failsRun) && (comparison == null || comparison.success());
            ValidationResult result = new ValidationResult(suite.name(), suite.file(), request.target().database(),
                    schema.server().describe(), request.strategy().label(), ok, request.warnOnly(), ValidationResult.Statistics.of(results),
                    results, comparison, runner.queries(), started, Duration.ofNanos(System.nanoTime() - start), null);
            if (request.stateDir() != null) {
                result = result.withReports(Reports.write(result, request.stateDir(), request.envKey()));
            }
            return result;
        } catch (SQLException e) {
            throw DbPromoteException.external("Database error during validation of " + request.target().describe() + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasSpaceEscape(Expectation e) {
        return (e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_MATCH_REGEX || e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX)
                && e.string("regex") != null && PcreWhitespace.rewrite(e.string("regex")).isPresent();
    }
}
