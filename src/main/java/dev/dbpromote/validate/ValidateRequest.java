package dev.dbpromote.validate;

import dev.dbpromote.db.ConnectionSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Input of {@link DataValidate#run}.
 *
 * @param target the database to validate (the PR's clone, staging, …)
 * @param source the source database to compare with, or null for no comparison
 * @param suite the suite file (YAML, or a GX JSON suite)
 * @param parameters values for {@code $NAME} references in the suite
 * @param touchedTables tables the PR's migrations changed: differences from the source are reported, not failed
 * @param stateDir {@code .dbpromote/}; reports go to {@code reports/}, {@code junit/}, {@code html/} under it (null: none written)
 * @param envKey environment key for report names ({@code dev-pr-42}, {@code staging})
 * @param sampleRows failing rows fetched per failed expectation (and differing keys per compared table)
 * @param warnOnly report failures without failing the run
 * @param compareChunkKeys primary-key range per fingerprint query when comparing with the source
 */
public record ValidateRequest(ConnectionSpec target, ConnectionSpec source, Path suite, Map<String, String> parameters,
        Set<String> touchedTables, Path stateDir, String envKey, Strategy strategy, int sampleRows, boolean warnOnly,
        long compareChunkKeys) {

    public ValidateRequest {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        touchedTables = touchedTables == null ? Set.of() : Set.copyOf(touchedTables);
        strategy = strategy == null ? Strategy.SINGLE_SCAN : strategy;
        if (sampleRows < 0) {
            throw new IllegalArgumentException("sampleRows must be >= 0");
        }
        compareChunkKeys = compareChunkKeys <= 0 ? 100_000 : compareChunkKeys;
    }

    /** Defaults for everything but the databases, the suite and where reports go. */
    public static ValidateRequest of(ConnectionSpec target, ConnectionSpec source, Path suite, Set<String> touchedTables,
            Path stateDir, String envKey) {
        return new ValidateRequest(target, source, suite, Map.of(), touchedTables, stateDir, envKey, Strategy.SINGLE_SCAN, 20,
                false, 100_000);
    }
}
