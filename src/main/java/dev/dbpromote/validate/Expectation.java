package dev.dbpromote.validate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * One expectation of a suite, after parameters were substituted.
 *
 * @param id stable within the suite: {@code <table>.<index>.<type>}, used as the JUnit testcase name
 * @param table the table it checks
 * @param kwargs GX keyword arguments (strings, {@link BigDecimal}/{@link Long} numbers, booleans, lists)
 * @param line 1-based line in the suite file, 0 when unknown
 * @param warnOnly reported but never fails the run
 */
public record Expectation(String id, String table, ExpectationType type, Map<String, Object> kwargs, int line,
        boolean warnOnly) {

    public Expectation {
        kwargs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kwargs));
    }

    public String column() {
        return string("column");
    }

    public String string(String arg) {
        Object v = kwargs.get(arg);
        return v == null ? null : String.valueOf(v);
    }

    public Object arg(String arg) {
        return kwargs.get(arg);
    }

    public boolean flag(String arg) {
        return Boolean.TRUE.equals(kwargs.get(arg));
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String arg) {
        Object v = kwargs.get(arg);
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    public List<String> strings(String arg) {
        return list(arg).stream().map(String::valueOf).toList();
    }

    /** GX {@code mostly}: the fraction of non-null rows that must pass (1.0 when absent). */
    public double mostly() {
        Object v = kwargs.get("mostly");
        return v instanceof Number n ? n.doubleValue() : 1.0;
    }

    /** The SQL filter from {@code row_condition}, or null. */
    public String rowCondition() {
        String c = string("row_condition");
        return c == null || c.isBlank() ? null : c.strip();
    }

    /** Every column this expectation reads, for validation and for the benchmark's floor scan. */
    public List<String> columns() {
        return switch (type) {
            case EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE, EXPECT_MULTICOLUMN_SUM_TO_EQUAL, EXPECT_SELECT_COLUMN_VALUES_TO_BE_UNIQUE_WITHIN_RECORD ->
                    strings("column_list");
            case EXPECT_COLUMN_PAIR_VALUES_A_TO_BE_GREATER_THAN_B, EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL, EXPECT_COLUMN_PAIR_VALUES_TO_BE_IN_SET ->
                    List.of(string("column_A"), string("column_B"));
            case EXPECT_TABLE_COLUMNS_TO_MATCH_SET, EXPECT_TABLE_COLUMNS_TO_MATCH_ORDERED_LIST -> List.of();
            default -> column() == null ? List.of() : List.of(column());
        };
    }
}
