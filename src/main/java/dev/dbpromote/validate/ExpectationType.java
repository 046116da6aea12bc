package dev.dbpromote.validate;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The expectations dbpromote knows, with Great Expectations' names and argument names (so a GX suite
 * reads the same here), plus a few of our own for what GX has no core expectation for: source row
 * counts, referential integrity, freshness.
 */
public enum ExpectationType {

    EXPECT_TABLE_TO_EXIST(Kind.METADATA, args(), args()),
    EXPECT_TABLE_COLUMNS_TO_MATCH_SET(Kind.METADATA, args("column_set"), args("exact_match")),
    EXPECT_TABLE_COLUMNS_TO_MATCH_ORDERED_LIST(Kind.METADATA, args("column_list"), args()),
    EXPECT_COLUMN_TO_EXIST(Kind.METADATA, args("column"), args("column_index")),
    EXPECT_COLUMN_VALUES_TO_BE_OF_TYPE(Kind.METADATA, args("column", "type_"), args()),
    EXPECT_COLUMN_VALUES_TO_BE_IN_TYPE_LIST(Kind.METADATA, args("column", "type_list"), args()),
    EXPECT_TABLE_COLUMN_COUNT_TO_EQUAL(Kind.METADATA, args("value"), args()),
    EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN(Kind.METADATA, args(), args("min_value", "max_value")),

    EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN(Kind.AGGREGATE, args(), args("min_value", "max_value", "row_condition", "condition_parser")),
    EXPECT_TABLE_ROW_COUNT_TO_EQUAL(Kind.AGGREGATE, args("value"), args("row_condition", "condition_parser")),
    EXPECT_TABLE_ROW_COUNT_TO_EQUAL_SOURCE(Kind.SOURCE, args(), args()),

    EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL(Kind.AGGREGATE, args("column"), map()),
    EXPECT_COLUMN_VALUES_TO_BE_NULL(Kind.AGGREGATE, args("column"), map()),
    EXPECT_COLUMN_VALUES_TO_BE_UNIQUE(Kind.AGGREGATE, args("column"), map()),
    EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE(Kind.AGGREGATE, args("column_list"), map("ignore_row_if")),
    EXPECT_COLUMN_VALUES_TO_BE_IN_SET(Kind.AGGREGATE, args("column", "value_set"), map()),
    EXPECT_COLUMN_VALUES_TO_NOT_BE_IN_SET(Kind.AGGREGATE, args("column", "value_set"), map()),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_BE_IN_SET(Kind.AGGREGATE, args("column", "value_set"), args("row_condition", "condition_parser")),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_EQUAL_SET(Kind.AGGREGATE, args("column", "value_set"), args("row_condition", "condition_parser")),
    EXPECT_COLUMN_VALUES_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), map("min_value", "max_value", "strict_min", "strict_max")),
    EXPECT_COLUMN_MIN_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_MAX_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_MEAN_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_SUM_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_VALUES_TO_MATCH_REGEX(Kind.AGGREGATE, args("column", "regex"), map()),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX(Kind.AGGREGATE, args("column", "regex"), map()),
    EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), map("min_value", "max_value")),
    EXPECT_COLUMN_PAIR_VALUES_A_TO_BE_GREATER_THAN_B(Kind.AGGREGATE, args("column_A", "column_B"), map("or_equal", "ignore_row_if")),
    EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_VALUES_TO_MATCH_REGEX_LIST(Kind.AGGREGATE, args("column", "regex_list"), map("match_on")),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX_LIST(Kind.AGGREGATE, args("column", "regex_list"), map()),
    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN(Kind.AGGREGATE, args("column", "like_pattern"), map()),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN(Kind.AGGREGATE, args("column", "like_pattern"), map()),
    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN_LIST(Kind.AGGREGATE, args("column", "like_pattern_list"), map("match_on")),
    EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN_LIST(Kind.AGGREGATE, args("column", "like_pattern_list"), map()),
    /** Python strftime directives translated to MySQL's STR_TO_DATE. */
    EXPECT_COLUMN_VALUES_TO_MATCH_STRFTIME_FORMAT(Kind.AGGREGATE, args("column", "strftime_format"), map()),
    EXPECT_COLUMN_VALUES_TO_BE_JSON_PARSEABLE(Kind.AGGREGATE, args("column"), map()),
    EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL(Kind.AGGREGATE, args("column_A", "column_B"), map("ignore_row_if")),
    EXPECT_COLUMN_PAIR_VALUES_TO_BE_IN_SET(Kind.AGGREGATE, args("column_A", "column_B", "value_pairs_set"), map("ignore_row_if")),
    EXPECT_MULTICOLUMN_SUM_TO_EQUAL(Kind.AGGREGATE, args("column_list", "sum_total"), map("ignore_row_if")),
    EXPECT_SELECT_COLUMN_VALUES_TO_BE_UNIQUE_WITHIN_RECORD(Kind.AGGREGATE, args("column_list"), map("ignore_row_if")),
    /** In primary-key order, from the table's ordered pass (LAG over the key). */
    EXPECT_COLUMN_VALUES_TO_BE_INCREASING(Kind.AGGREGATE, args("column"), map("strictly")),
    EXPECT_COLUMN_VALUES_TO_BE_DECREASING(Kind.AGGREGATE, args("column"), map("strictly")),
    EXPECT_TABLE_ROW_COUNT_TO_EQUAL_OTHER_TABLE(Kind.AGGREGATE, args("other_table_name"), args()),
    EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    EXPECT_COLUMN_STDEV_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    /**
     * GX's z = (value - mean) / sample stdev, mean and stdev from the scan, the rows counted in the table's ordered pass.
     * {@code double_sided} is required, as in GX 1.x.
     */
    EXPECT_COLUMN_VALUE_Z_SCORES_TO_BE_LESS_THAN(Kind.AGGREGATE, args("column", "threshold", "double_sided"), map()),
    /** From the table's ordered pass (one extra query per table and row condition, shared with quantiles). */
    EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN(Kind.AGGREGATE, args("column"), range()),
    /** GX's MySQL quantiles (the value at percent_rank &lt;= q), exact: {@code allow_relative_error} is accepted and not needed. */
    EXPECT_COLUMN_QUANTILE_VALUES_TO_BE_BETWEEN(Kind.AGGREGATE, args("column", "quantile_ranges"),
            args("allow_relative_error", "row_condition", "condition_parser")),
    EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET(Kind.AGGREGATE, args("column", "value_set"), args("row_condition", "condition_parser")),
    /** A GROUP BY of its own (one query per expectation). */
    EXPECT_COLUMN_MOST_COMMON_VALUE_TO_BE_IN_SET(Kind.AGGREGATE, args("column", "value_set"), args("ties_okay", "row_condition", "condition_parser")),
    EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL(Kind.AGGREGATE, args("column", "value"), map()),
    /** Freshness: the newest value of a date/time column is at most {@code max_age} old (server clock). */
    EXPECT_COLUMN_MAX_TO_BE_RECENT(Kind.AGGREGATE, args("column", "max_age"), args("row_condition", "condition_parser")),

    /** Referential integrity: every non-null value of {@code column} exists in {@code other_table.other_column}. */
    EXPECT_COLUMN_VALUES_TO_EXIST_IN_OTHER_TABLE(Kind.REFERENCE, args("column", "other_table", "other_column"), map()),

    /** GX 1.x {@code UnexpectedRowsExpectation}: a query ({@code {batch}} = the table) that must return no rows. */
    UNEXPECTED_ROWS_EXPECTATION(Kind.CUSTOM_SQL, args("unexpected_rows_query"), args("description")),
    EXPECT_QUERY_TO_RETURN_NO_ROWS(Kind.CUSTOM_SQL, args("query"), args("description"));

    /** How an expectation is evaluated. */
    public enum Kind {
        /** From information_schema, no data scanned. */
        METADATA,
        /** An aggregate folded into the table's one scan. */
        AGGREGATE,
        /** Row count compared with the source database. */
        SOURCE,
        /** An anti-join against another table. */
        REFERENCE,
        /** A query from the suite. */
        CUSTOM_SQL
    }

    /** Accepted everywhere and ignored where they mean nothing to us (GX result and bookkeeping options). */
    static final Set<String> ALWAYS_ALLOWED = Set.of("result_format", "meta", "catch_exceptions", "include_config", "table", "notes", "batch_id");

    private final Kind kind;
    private final List<String> required;
    private final List<String> optional;

    ExpectationType(Kind kind, List<String> required, List<String> optional) {
        this.kind = kind;
        this.required = required;
        this.optional = optional;
    }

    private static List<String> args(String... names) {
        return List.of(names);
    }

    /** Column map expectations: GX's {@code mostly} and {@code row_condition}. */
    private static List<String> map(String... more) {
        LinkedHashSet<String> all = new LinkedHashSet<>(Arrays.asList(more));
        all.addAll(List.of("mostly", "row_condition", "condition_parser"));
        return List.copyOf(all);
    }

    private static List<String> range() {
        return List.of("min_value", "max_value", "strict_min", "strict_max", "row_condition", "condition_parser");
    }

    private static final Map<String, ExpectationType> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ExpectationType::gxName, Function.identity()));

    /** The GX name, e.g. {@code expect_column_values_to_not_be_null}. */
    public String gxName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Kind kind() {
        return kind;
    }

    public List<String> required() {
        return required;
    }

    public List<String> optional() {
        return optional;
    }

    public boolean allows(String arg) {
        return required.contains(arg) || optional.contains(arg) || ALWAYS_ALLOWED.contains(arg);
    }

    /** Column map expectations count unexpected rows and accept {@code mostly}. */
    public boolean isColumnMap() {
        return optional.contains("mostly");
    }

    /**
     * By GX name; also GX 1.x class names ({@code ExpectColumnValuesToNotBeNull}) so 1.x suites load as
     * they are.
     */
    public static Optional<ExpectationType> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        ExpectationType t = BY_NAME.get(name);
        if (t == null && !name.isEmpty() && Character.isUpperCase(name.charAt(0))) {
            t = BY_NAME.get(name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase());
        }
        return Optional.ofNullable(t);
    }

    /** A GX 1.x class name ({@code ExpectColumnMedianToBeBetween}) as its GX 0.x name; other names unchanged. */
    static String gxStyle(String name) {
        return !name.isEmpty() && Character.isUpperCase(name.charAt(0))
                ? name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT) : name;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ExpectationType::gxName).sorted().toList();
    }
}
