package dev.dbpromote.config;

import java.util.Map;

/**
 * Data validation ({@code dbpromote validate}).
 *
 * @param suite expectation suite file (YAML, or a Great Expectations JSON suite), relative to the config file
 * @param compare {@code source} to compare the environment's database with the source, or {@code none}
 * @param parameters values for {@code $PARAMETER} references in the suite ({@code --param} overrides)
 * @param sampleRows failing rows fetched per failed expectation, and differing keys shown per table (0–1000, default 20)
 * @param compareChunkKeys primary-key range per fingerprint query when comparing with the source (default 100000)
 */
public record ValidateConfig(String suite, String compare, Map<String, String> parameters, Integer sampleRows,
        Long compareChunkKeys) {

    public ValidateConfig {
        compare = compare == null ? "none" : compare;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        sampleRows = sampleRows == null ? 20 : sampleRows;
        compareChunkKeys = compareChunkKeys == null ? 100_000L : compareChunkKeys;
    }

    /** What applies when dbpromote.yaml has no {@code validate} section. */
    public static final ValidateConfig DEFAULT = new ValidateConfig(null, null, null, null, null);
}
