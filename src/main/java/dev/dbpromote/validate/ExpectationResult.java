package dev.dbpromote.validate;

import java.util.List;
import java.util.Map;

/**
 * One expectation's result, GX-like.
 *
 * @param observedValue the value an aggregate expectation saw (row count, min, …); null for column-map ones
 * @param elementCount rows considered (after row_condition)
 * @param unexpectedCount failing rows (column-map expectations), or distinct values outside a set
 * @param unexpectedPercent of the non-missing values
 * @param sampleColumns / samples failing rows (primary key first), fetched only for failed expectations
 * @param message one line a person reads: what was observed against what was expected
 */
public record ExpectationResult(String id, String table, String type, Map<String, Object> kwargs, int line,
        boolean success, boolean warnOnly, Object observedValue, Long elementCount, Long unexpectedCount,
        Double unexpectedPercent, Long missingCount, List<String> sampleColumns, List<List<Object>> samples, String message) {

    /** Failed and not warn-only: this makes the run fail. */
    public boolean failsRun() {
        return !success && !warnOnly;
    }
}
