package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;

/**
 * How aggregate expectations become queries: {@code single-scan} (default) folds every aggregate
 * expectation of a table with the same row_condition into one query; {@code per-expectation} runs one
 * query per expectation, as GX- and dbt-style tools do (kept for comparison and the benchmark).
 */
public enum Strategy {
    SINGLE_SCAN("single-scan"), PER_EXPECTATION("per-expectation");

    private final String label;

    Strategy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Strategy parse(String s) {
        for (Strategy x : values()) {
            if (x.label.equalsIgnoreCase(s) || x.name().equalsIgnoreCase(s)) {
                return x;
            }
        }
        throw DbPromoteException.invalid("Unknown strategy '" + s + "'. Use single-scan (default) or per-expectation.");
    }
}
