package dev.dbpromote.config;

import java.util.Map;

/**
 * Data validation.
 *
 * @param suite expectation suite file, relative to the config file
 * @param compare {@code source} to compare the environment's database with the source, or {@code none}
 * @param parameters values for {@code $PARAMETER} references in the suite
 */
public record ValidateConfig(String suite, String compare, Map<String, String> parameters, Integer sampleRows) {

    public ValidateConfig {
        compare = compare == null ? "none" : compare;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        sampleRows = sampleRows == null ? 20 : sampleRows;
    }
}
