package dev.dbpromote.validate;

import dev.dbpromote.config.Durations;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compiles expectations into aggregate expressions of a {@link ScanQuery} and evaluates their values.
 * Every value from a suite is a bind parameter; every name is quoted by {@link Sql#quote}.
 */
final class Checks {

    private Checks() {
    }

    /** SQL text and the values for its {@code ?}s, in order. */
    record Fragment(String sql, List<Object> binds) {
        Fragment(String sql, Object... binds) {
            this(sql, java.util.Arrays.asList(binds)); // a value_set may hold null
        }
    }

    /** What an expectation found. Counts are null where they mean nothing (metadata checks). */
    record Outcome(boolean success, Object observed, Long elementCount, Long unexpectedCount, Double unexpectedPercent,
            Long missingCount, String message) {

        static Outcome of(boolean success, Object observed, String message) {
            return new Outcome(success, observed, null, null, null, null, message);
        }
    }

    interface Evaluator {
        Outcome evaluate(ScanQuery q);
    }

    /** An aggregate expectation bound to its scan, and how to fetch failing rows if it fails. */
    record Compiled(Expectation expectation, ScanQuery query, Evaluator evaluator, Fragment samples) {
    }

    static Compiled compile(Expectation e, ScanQuery q, Schema schema, Schema.Table t) {
        Schema.Server server = schema.server();
        String table = Sql.table(schema.database(), t.name());
        int rows = q.add("COUNT(*)");
        String col = e.column() == null ? null : Sql.quote(t.column(e.column()).map(Schema.Column::name).orElse(e.column()));
        boolean uniqueness = e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE
                || e.type() == ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE;
        if (uniqueness && t.uniqueIndexWithin(e.columns()).isPresent()) {
            // A unique index already guarantees it (NULLs aside, which GX ignores too): no DISTINCT in the scan.
            String index = t.uniqueIndexWithin(e.columns()).orElseThrow();
            return new Compiled(e, q, s -> new Outcome(true, null, s.count(rows), 0L, 0.0, null,
                    "guaranteed by unique index " + index + " on " + t.uniqueKeys().get(index)), null);
        }
        return switch (e.type()) {
            case EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN -> new Compiled(e, q, s -> {
                long n = s.count(rows);
                boolean ok = inRange(BigDecimal.valueOf(n), e);
                return new Outcome(ok, n, n, null, null, null, "row count " + n + (ok ? " is " : " is not ") + range(e));
            }, null);
            case EXPECT_TABLE_ROW_COUNT_TO_EQUAL -> new Compiled(e, q, s -> {
                long n = s.count(rows);
                boolean ok = new BigDecimal(String.valueOf(e.arg("value"))).compareTo(BigDecimal.valueOf(n)) == 0;
                return new Outcome(ok, n, n, null, null, null, "row count " + n + (ok ? " equals " : " does not equal ") + e.arg("value"));
            }, null);
            case EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL -> {
                if (!t.column(e.column()).orElseThrow().nullable()) {
                    yield new Compiled(e, q, s -> new Outcome(true, null, s.count(rows), 0L, 0.0, null,
                            "guaranteed by the column's NOT NULL constraint"), null);
                }
                // COUNT(col) is shared with other expectations on the column; nulls are the rest.
                int nonNull = nonNull(q, t, e.column(), col);
                yield map(e, q, t, table, rows, rows, new Fragment(col + " IS NULL"), "null", s -> s.count(rows) - s.count(nonNull));
            }
            case EXPECT_COLUMN_VALUES_TO_BE_NULL -> {
                int nonNull = nonNull(q, t, e.column(), col);
                yield map(e, q, t, table, rows, rows, new Fragment(col + " IS NOT NULL"), "not null", s -> s.count(nonNull));
            }
            case EXPECT_COLUMN_VALUES_TO_BE_IN_SET -> {
                Fragment notIn = notIn(col, e.list("value_set"));
                yield map(e, q, t, table, rows, denominator(q, e, t, col), notIn, "not in " + e.list("value_set"), null);
            }
            case EXPECT_COLUMN_VALUES_TO_NOT_BE_IN_SET -> {
                Fragment in = in(col, e.list("value_set"));
                yield map(e, q, t, table, rows, denominator(q, e, t, col), in, "in " + e.list("value_set"), null);
            }
            case EXPECT_COLUMN_VALUES_TO_BE_BETWEEN -> {
                Fragment outside = outsideRows(col, e);
                yield map(e, q, t, table, rows, denominator(q, e, t, col), outside, "outside " + range(e).replaceFirst("^in ", ""), null);
            }
            case EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN -> {
                Fragment outside = outsideRows("CHAR_LENGTH(" + col + ")", e);
                yield map(e, q, t, table, rows, denominator(q, e, t, col), outside, "with a length outside " + range(e).replaceFirst("^in ", ""), null);
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX_LIST, EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX_LIST,
                    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN_LIST, EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN_LIST,
                    EXPECT_COLUMN_VALUES_TO_MATCH_LIKE_PATTERN, EXPECT_COLUMN_VALUES_TO_NOT_MATCH_LIKE_PATTERN -> {
                boolean regex = e.type().name().contains("REGEX");
                boolean match = !e.type().name().contains("_NOT_MATCH_");
                List<String> patterns = e.arg("like_pattern") != null ? List.of(e.string("like_pattern"))
                        : e.strings(regex ? "regex_list" : "like_pattern_list");
                List<String> parts = new ArrayList<>();
                List<Object> binds = new ArrayList<>();
                for (String p : patterns) {
                    Fragment f = regex ? regex(server, col, p) : new Fragment(col + " LIKE ?", p);
                    parts.add("(" + f.sql() + ")");
                    binds.addAll(f.binds());
                }
                // GX: a value matches the list when it matches any pattern (match_on: all — every one); "not match" fails on any.
                boolean all = "all".equals(e.string("match_on"));
                String matched = String.join(all ? " AND " : " OR ", parts);
                Fragment bad = new Fragment(match ? "NOT (" + matched + ")" : matched, binds);
                yield map(e, q, t, table, rows, denominator(q, e, t, col), bad, (match ? "not matching " : "matching ") + patterns, null);
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_STRFTIME_FORMAT -> {
                Fragment bad = new Fragment(col + " IS NOT NULL AND STR_TO_DATE(" + col + ", ?) IS NULL", mysqlDateFormat(e.string("strftime_format")));
                yield map(e, q, t, table, rows, denominator(q, e, t, col), bad, "not in format " + e.string("strftime_format"), null);
            }
            case EXPECT_COLUMN_VALUES_TO_BE_JSON_PARSEABLE -> {
                // GX's json.loads takes only text: a number column's values are all unexpected (MariaDB's JSON_VALID(5) is 1).
                Schema.Column c = t.column(e.column()).orElseThrow();
                boolean text = SuiteChecker.isText(c) || c.jsonCheck() || c.dataType().equals("json");
                Fragment bad = new Fragment(text ? "NOT JSON_VALID(" + col + ")" : col + " IS NOT NULL");
                yield map(e, q, t, table, rows, denominator(q, e, t, col), bad, "that are not JSON", null);
            }
            case EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL, EXPECT_COLUMN_PAIR_VALUES_TO_BE_IN_SET -> {
                String a = Sql.quote(t.column(e.string("column_A")).orElseThrow().name());
                String b = Sql.quote(t.column(e.string("column_B")).orElseThrow().name());
                if (e.type() == ExpectationType.EXPECT_COLUMN_PAIR_VALUES_TO_BE_EQUAL) {
                    yield pair(e, q, t, table, rows, a, b, a + " = " + b, List.of(), true, "where " + e.string("column_A") + " <> " + e.string("column_B"));
                }
                List<String> alternatives = new ArrayList<>();
                List<Object> binds = new ArrayList<>();
                for (Object p : e.list("value_pairs_set")) {
                    List<?> ab = (List<?>) p;
                    alternatives.add("(" + a + " = ? AND " + b + " = ?)");
                    binds.add(ab.get(0));
                    binds.add(ab.get(1));
                }
                yield pair(e, q, t, table, rows, a, b, alternatives.isEmpty() ? "FALSE" : "(" + String.join(" OR ", alternatives) + ")", binds, true,
                        "not in " + e.list("value_pairs_set"));
            }
            case EXPECT_MULTICOLUMN_SUM_TO_EQUAL, EXPECT_SELECT_COLUMN_VALUES_TO_BE_UNIQUE_WITHIN_RECORD -> {
                List<String> cols = e.strings("column_list").stream().map(c -> Sql.quote(t.column(c).orElseThrow().name())).toList();
                String ignore = e.string("ignore_row_if") == null ? "all_values_are_missing" : e.string("ignore_row_if");
                String considered = switch (ignore) {
                    case "never" -> "TRUE";
                    case "any_value_is_missing" -> String.join(" AND ", cols.stream().map(c -> c + " IS NOT NULL").toList());
                    default -> "(" + String.join(" OR ", cols.stream().map(c -> c + " IS NOT NULL").toList()) + ")";
                };
                String unexpected;
                List<Object> binds = new ArrayList<>();
                if (e.type() == ExpectationType.EXPECT_MULTICOLUMN_SUM_TO_EQUAL) {
                    unexpected = "NOT COALESCE(" + String.join(" + ", cols) + " = ?, FALSE)";
                    binds.add(e.arg("sum_total"));
                } else {
                    List<String> same = new ArrayList<>();
                    for (int i = 0; i < cols.size(); i++) {
                        for (int j = i + 1; j < cols.size(); j++) {
                            same.add(cols.get(i) + " = " + cols.get(j));
                        }
                    }
                    unexpected = "COALESCE(" + String.join(" OR ", same) + ", FALSE)";
                }
                int denominator = q.add("COUNT(CASE WHEN " + considered + " THEN 1 END)");
                Fragment bad = new Fragment(considered + " AND " + unexpected, binds);
                yield map(e, q, t, table, rows, denominator, bad, e.type() == ExpectationType.EXPECT_MULTICOLUMN_SUM_TO_EQUAL
                        ? "where the sum is not " + e.arg("sum_total") : "with a value repeated within the row", null);
            }
            case EXPECT_COLUMN_VALUES_TO_BE_INCREASING, EXPECT_COLUMN_VALUES_TO_BE_DECREASING -> {
                // GX compares each value with the previous row's (a NULL on either side passes); rows in primary-key order.
                boolean up = e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_INCREASING;
                String order = String.join(", ", t.primaryKey().stream().map(Sql::quote).toList());
                String cmp = up ? (e.flag("strictly") ? " <= " : " < ") : (e.flag("strictly") ? " >= " : " > ");
                ScanQuery.Ordered o = q.ordered();
                String v = o.alias(col);
                // Partitioned by IS NULL: within the non-null rows, LAG is the previous non-null value (GX skips NULLs).
                String prev = o.alias("LAG(" + col + ") OVER (PARTITION BY " + col + " IS NULL ORDER BY " + order + ")");
                int badRows = o.add("COUNT(CASE WHEN " + v + cmp + prev + " THEN 1 END)", List::of);
                int nonNull = nonNull(q, t, e.column(), col);
                List<String> keys = t.primaryKey().stream().map(Sql::quote).toList();
                String keyList = String.join(", ", keys);
                Fragment samples = new Fragment("SELECT " + keyList + (keys.contains(col) ? "" : ", " + col) + " FROM (SELECT " + keyList
                        + (keys.contains(col) ? "" : ", " + col) + ", LAG(" + col + ") OVER (PARTITION BY " + col + " IS NULL ORDER BY " + order + ") AS dbp_prev FROM " + table
                        + (q.condition() == null ? "" : " WHERE (" + q.condition() + ")") + ") AS dbp_ordered WHERE " + col + cmp
                        + "dbp_prev ORDER BY " + order + " LIMIT ?");
                yield new Compiled(e, q, s -> mapOutcome(e, s.count(rows), s.count(nonNull),
                        ((Number) s.ordered().value(badRows)).longValue(), s.count(rows) - s.count(nonNull),
                        "values " + (up ? "below" : "above") + " the previous row's" + (e.flag("strictly") ? " or equal to it" : "")), samples);
            }
            case EXPECT_TABLE_ROW_COUNT_TO_EQUAL_OTHER_TABLE -> {
                String other = schema.table(e.string("other_table_name")).map(Schema.Table::name).orElse(e.string("other_table_name"));
                yield new Compiled(e, q, s -> {
                    long self = s.count(rows);
                    long theirs = s.number("SELECT COUNT(*) FROM " + Sql.table(schema.database(), other), List.of());
                    Map<String, Object> observed = new java.util.LinkedHashMap<>();
                    observed.put("self", self);
                    observed.put("other", theirs);
                    return new Outcome(self == theirs, observed, self, null, null, null,
                            "row count " + self + (self == theirs ? " equals " : " differs from ") + other + "'s " + theirs);
                }, null);
            }
            case EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL -> {
                Fragment other = new Fragment("CHAR_LENGTH(" + col + ") <> ?", e.arg("value"));
                yield map(e, q, t, table, rows, denominator(q, e, t, col), other, "with a length other than " + e.arg("value"), null);
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX, EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX -> {
                boolean match = e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_MATCH_REGEX;
                Fragment r = regex(server, col, e.string("regex"));
                Fragment bad = new Fragment((match ? "NOT " : "") + "(" + r.sql() + ")", r.binds());
                yield map(e, q, t, table, rows, denominator(q, e, t, col), bad, (match ? "not matching " : "matching ") + e.string("regex"), null);
            }
            case EXPECT_COLUMN_PAIR_VALUES_A_TO_BE_GREATER_THAN_B -> {
                String a = Sql.quote(t.column(e.string("column_A")).orElseThrow().name());
                String b = Sql.quote(t.column(e.string("column_B")).orElseThrow().name());
                String op = e.flag("or_equal") ? " >= " : " > ";
                yield pair(e, q, t, table, rows, a, b, a + op + b, List.of(), false,
                        "where " + e.string("column_A") + (e.flag("or_equal") ? " < " : " <= ") + e.string("column_B"));
            }
            case EXPECT_COLUMN_VALUES_TO_BE_UNIQUE -> {
                int nonNull = nonNull(q, t, e.column(), col);
                int distinct = q.add("COUNT(DISTINCT " + col + ")");
                String present = col + " IS NOT NULL";
                Fragment samples = new Fragment(sampleCols(t, List.of(), col + ", COUNT(*) AS occurrences", false) + " FROM " + table
                        + where(q.condition(), present) + " GROUP BY " + col + " HAVING COUNT(*) > 1 ORDER BY MIN(" + orderKey(t, col) + ") LIMIT ?");
                yield new Compiled(e, q, s -> mapOutcome(e, s.count(rows), s.count(nonNull),
                        duplicateRows(s, table, col, present, s.count(nonNull) - s.count(distinct)),
                        s.count(rows) - s.count(nonNull), "values in duplicated groups"), samples);
            }
            case EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE -> {
                List<String> cols = e.strings("column_list").stream().map(c -> Sql.quote(t.column(c).orElseThrow().name())).toList();
                String list = String.join(", ", cols);
                boolean nullable = e.strings("column_list").stream().anyMatch(c -> t.column(c).orElseThrow().nullable());
                String ignore = e.string("ignore_row_if") == null ? "all_values_are_missing" : e.string("ignore_row_if");
                // GX's default ignores a row only when all its values are missing: (1, NULL) twice is a duplicate. COUNT(DISTINCT
                // a, b) skips any row with a NULL, so then the distinct count is over JSON_ARRAY(a, b), where NULL is a value.
                boolean anyMissing = ignore.equals("any_value_is_missing") || !nullable;
                String considered = ignore.equals("never") ? "TRUE" : String.join(anyMissing ? " AND " : " OR ",
                        cols.stream().map(c -> c + " IS NOT NULL").toList());
                int complete = q.add("COUNT(CASE WHEN " + considered + " THEN 1 END)");
                int distinct = q.add(anyMissing ? "COUNT(DISTINCT " + list + ")"
                        : "COUNT(DISTINCT CASE WHEN " + considered + " THEN JSON_ARRAY(" + list + ") END)");
                Fragment samples = new Fragment("SELECT " + list + ", COUNT(*) AS occurrences FROM " + table
                        + where(q.condition(), considered) + " GROUP BY " + list + " HAVING COUNT(*) > 1 ORDER BY MIN(" + orderKey(t, cols.get(0))
                        + ") LIMIT ?");
                yield new Compiled(e, q, s -> mapOutcome(e, s.count(rows), s.count(complete),
                        duplicateRows(s, table, list, considered, s.count(complete) - s.count(distinct)),
                        s.count(rows) - s.count(complete), "rows in duplicated combinations"), samples);
            }
            case EXPECT_COLUMN_DISTINCT_VALUES_TO_BE_IN_SET, EXPECT_COLUMN_DISTINCT_VALUES_TO_EQUAL_SET,
                    EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET -> {
                List<Object> set = e.list("value_set");
                Fragment notIn = notIn(col, set);
                // Rows outside the set, not distinct values: a counter instead of a DISTINCT tree in the scan. Which set
                // values occur: one BIT_OR of 1 << FIELD(col, set...) per 63 set values (FIELD is 0 for other values and
                // NULL). Which values outside the set occur is a query of its own, only when there are some.
                int outside = q.add("COUNT(CASE WHEN " + notIn.sql() + " THEN 1 END)", notIn.binds());
                int nonNull = nonNull(q, t, e.column(), col);
                List<Integer> seen = new ArrayList<>();
                for (int from = 0; from < set.size(); from += 63) {
                    List<Object> chunk = set.subList(from, Math.min(set.size(), from + 63));
                    seen.add(q.add("BIT_OR(1 << FIELD(" + col + ", " + String.join(", ", Collections.nCopies(chunk.size(), "?")) + "))", chunk));
                }
                Fragment samples = new Fragment("SELECT " + col + ", COUNT(*) AS occurrences FROM " + table
                        + where(q.condition(), notIn.sql()) + " GROUP BY " + col + " ORDER BY " + col + " LIMIT ?", notIn.binds());
                yield new Compiled(e, q, s -> {
                    long out = s.count(outside);
                    List<Object> observed = new ArrayList<>();
                    List<Object> missing = new ArrayList<>();
                    for (int i = 0; i < set.size(); i++) {
                        java.math.BigInteger bits = new java.math.BigInteger(String.valueOf(s.value(seen.get(i / 63)) == null ? 0 : s.value(seen.get(i / 63))));
                        if (bits.testBit(i % 63 + 1)) {
                            if (!observed.contains(set.get(i))) {
                                observed.add(set.get(i));
                            }
                        } else if (set.get(i) != null) {
                            missing.add(set.get(i));
                        }
                    }
                    if (out > 0) {
                        List<Object> binds = new ArrayList<>(notIn.binds());
                        binds.add(1001L);
                        for (List<Object> row : s.rows("SELECT " + col + " FROM " + table + where(q.condition(), notIn.sql())
                                + " GROUP BY " + col + " LIMIT ?", binds)) {
                            observed.add(plain(row.get(0)));
                        }
                    }
                    observed.sort(Checks::compareValues);
                    boolean equal = e.type() == ExpectationType.EXPECT_COLUMN_DISTINCT_VALUES_TO_EQUAL_SET;
                    boolean contain = e.type() == ExpectationType.EXPECT_COLUMN_DISTINCT_VALUES_TO_CONTAIN_SET;
                    boolean ok = (contain || out == 0) && (!(equal || contain) || missing.isEmpty());
                    String msg = contain ? (missing.isEmpty() ? "every set value occurs" : "set values never seen: " + missing)
                            : (out == 0 ? "all values in the set" : out + " rows have values not in the set")
                            + (equal && !missing.isEmpty() ? "; set values never seen: " + missing : "");
                    return new Outcome(ok, observed, s.count(rows), out, null, s.count(rows) - s.count(nonNull), msg);
                }, samples);
            }
            case EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN -> {
                int distinct = q.add("COUNT(DISTINCT " + col + ")");
                int nonNull = nonNull(q, t, e.column(), col);
                yield new Compiled(e, q, s -> {
                    long n = s.count(nonNull);
                    Double p = n == 0 ? null : (double) s.count(distinct) / n;
                    boolean ok = p != null && inRange(BigDecimal.valueOf(p), e);
                    return new Outcome(ok, p, s.count(rows), null, null, s.count(rows) - n, (p == null ? "no values"
                            : String.format(Locale.ROOT, "%d distinct of %d values (%.6g)", s.count(distinct), n, p))
                            + (ok ? ", " : ", expected ") + range(e));
                }, null);
            }
            case EXPECT_COLUMN_STDEV_TO_BE_BETWEEN -> {
                // GX's SQL stdev is the sample standard deviation. "+ 0e0" makes it a DOUBLE on MariaDB too, which
                // otherwise returns a DECIMAL with div_precision_increment (4) digits for an integer column.
                int sd = q.add("STDDEV_SAMP(" + col + " + 0e0)");
                int nonNull = nonNull(q, t, e.column(), col);
                yield new Compiled(e, q, s -> {
                    Object v = s.value(sd);
                    Double d = v == null ? null : ((Number) v).doubleValue();
                    boolean ok = d != null && inRange(BigDecimal.valueOf(d), e);
                    return new Outcome(ok, d, s.count(rows), null, null, s.count(rows) - s.count(nonNull),
                            "standard deviation " + d + (ok ? " is " : ", expected ") + range(e));
                }, null);
            }
            case EXPECT_COLUMN_VALUE_Z_SCORES_TO_BE_LESS_THAN -> {
                // GX computes the column's mean and sample stdev first, then counts the rows whose z = (value - mean) / stdev is
                // not below the threshold (|z| against |threshold| when double_sided). Here: AVG and STDDEV_SAMP in the scan
                // ("+ 0e0": DOUBLEs on MariaDB too), the count in the ordered pass, which runs after the scan and takes them as
                // bind values. NULLs have no z and are not counted; with a stdev of 0 or NULL (fewer than two values) no z is
                // defined and nothing is counted, as GX's SQL (a division by zero is NULL there, so no row is unexpected).
                boolean both = e.flag("double_sided");
                double threshold = new BigDecimal(String.valueOf(e.arg("threshold"))).doubleValue();
                double limit = both ? Math.abs(threshold) : threshold;
                int mean = q.add("AVG(" + col + " + 0e0)");
                int sd = q.add("STDDEV_SAMP(" + col + " + 0e0)");
                int nonNull = nonNull(q, t, e.column(), col);
                ScanQuery.Ordered o = q.ordered();
                String v = o.alias(col);
                String z = both ? "ABS((" + v + " - ?) / ?)" : "(" + v + " - ?) / ?";
                java.util.function.Supplier<Double> meanValue = () -> q.value(mean) == null ? null : ((Number) q.value(mean)).doubleValue();
                java.util.function.Supplier<Double> sdValue = () -> {
                    Object x = q.value(sd);
                    return x == null || ((Number) x).doubleValue() == 0 ? null : ((Number) x).doubleValue();
                };
                int badRows = o.add("COUNT(CASE WHEN " + z + " >= ? THEN 1 END)",
                        () -> java.util.Arrays.<Object>asList(meanValue.get(), sdValue.get(), limit));
                String zSql = both ? "ABS((" + col + " - dbp_z.dbp_m) / dbp_z.dbp_sd)" : "(" + col + " - dbp_z.dbp_m) / dbp_z.dbp_sd";
                Fragment samples = new Fragment(sampleCols(t, List.of(e.column()), null, true) + ", " + zSql + " AS z_score FROM " + table
                        + " CROSS JOIN (SELECT AVG(" + col + " + 0e0) AS dbp_m, NULLIF(STDDEV_SAMP(" + col + " + 0e0), 0) AS dbp_sd FROM " + table
                        + (q.condition() == null ? "" : " WHERE (" + q.condition() + ")") + ") AS dbp_z"
                        + where(q.condition(), zSql + " >= ?") + orderByKey(t) + " LIMIT ?", limit);
                String what = "with a z-score " + (both ? "|z| >= " + Math.abs(threshold) : "z >= " + threshold);
                yield new Compiled(e, q, s -> {
                    long n = s.count(nonNull);
                    if (sdValue.get() == null) {
                        return new Outcome(true, null, s.count(rows), 0L, 0.0, s.count(rows) - n, (n < 2 ? n + " value(s)" : "all values equal")
                                + ": the standard deviation is " + (n < 2 ? "undefined" : "0") + ", so no z-score is defined and no value is unexpected (as GX on SQL)");
                    }
                    return mapOutcome(e, s.count(rows), n, ((Number) s.ordered().value(badRows)).longValue(), s.count(rows) - n,
                            "values " + what + String.format(Locale.ROOT, " (mean %.6g, stdev %.6g)", meanValue.get(), sdValue.get()));
                }, samples);
            }
            case EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN -> {
                // GX's SQL median: the middle value, or the mean of the two middle ones, of the non-null values.
                int nonNull = nonNull(q, t, e.column(), col);
                ScanQuery.Ordered o = q.ordered();
                java.util.function.LongSupplier nulls = () -> q.count(rows) - q.count(nonNull);
                java.util.function.LongSupplier bound = distinctBound(q, t, e.column(), col);
                int lower = o.kth(col, bound, nulls, () -> (q.count(nonNull) + 1) / 2);
                int upper = o.kth(col, bound, nulls, () -> q.count(nonNull) / 2 + 1);
                yield new Compiled(e, q, s -> {
                    long n = s.count(nonNull);
                    Object median = null;
                    if (n > 0) {
                        Object lo = s.ordered().kthValue(lower);
                        Object hi = s.ordered().kthValue(upper);
                        median = n % 2 == 1 || !(lo instanceof Number) ? plain(lo)
                                : new BigDecimal(lo.toString()).add(new BigDecimal(hi.toString())).divide(BigDecimal.valueOf(2));
                    }
                    boolean ok = median instanceof Number m && inRange(new BigDecimal(m.toString()), e);
                    return new Outcome(ok, median, s.count(rows), null, null, s.count(rows) - n, "median " + median
                            + (median == null ? " (no values)" : "") + (ok ? " is " : ", expected ") + range(e));
                }, null);
            }
            case EXPECT_COLUMN_QUANTILE_VALUES_TO_BE_BETWEEN -> {
                // GX on MySQL: the value with the largest percent_rank ((row - 1) / (n - 1)) at most q, i.e. row floor(q (n - 1)) + 1.
                @SuppressWarnings("unchecked")
                Map<String, Object> ranges = (Map<String, Object>) e.arg("quantile_ranges");
                List<Object> quantiles = (List<Object>) ranges.get("quantiles");
                List<Object> bounds = (List<Object>) ranges.get("value_ranges");
                int nonNull = nonNull(q, t, e.column(), col);
                ScanQuery.Ordered o = q.ordered();
                java.util.function.LongSupplier nulls = () -> q.count(rows) - q.count(nonNull);
                java.util.function.LongSupplier bound = distinctBound(q, t, e.column(), col);
                List<Integer> handles = new ArrayList<>();
                for (Object quantile : quantiles) {
                    BigDecimal qd = new BigDecimal(quantile.toString());
                    handles.add(o.kth(col, bound, nulls, () -> qd.multiply(BigDecimal.valueOf(Math.max(0, q.count(nonNull) - 1)))
                            .setScale(0, java.math.RoundingMode.FLOOR).longValue() + 1));
                }
                yield new Compiled(e, q, s -> {
                    List<Object> values = new ArrayList<>();
                    List<String> outside = new ArrayList<>();
                    for (int i = 0; i < handles.size(); i++) {
                        Object value = s.count(nonNull) == 0 ? null : plain(s.ordered().kthValue(handles.get(i)));
                        values.add(value);
                        List<?> b = (List<?>) bounds.get(i);
                        boolean in = value instanceof Number n && (b.get(0) == null || new BigDecimal(n.toString()).compareTo(new BigDecimal(b.get(0).toString())) >= 0)
                                && (b.get(1) == null || new BigDecimal(n.toString()).compareTo(new BigDecimal(b.get(1).toString())) <= 0);
                        if (!in) {
                            outside.add("q" + quantiles.get(i) + " = " + value + " not in " + b);
                        }
                    }
                    Map<String, Object> observed = new java.util.LinkedHashMap<>();
                    observed.put("quantiles", quantiles);
                    observed.put("values", values);
                    return new Outcome(outside.isEmpty(), observed, s.count(rows), null, null, s.count(rows) - s.count(nonNull),
                            outside.isEmpty() ? "quantiles " + quantiles + " are " + values + ", all in range" : String.join("; ", outside));
                }, null);
            }
            case EXPECT_COLUMN_MOST_COMMON_VALUE_TO_BE_IN_SET -> {
                List<Object> set = e.list("value_set");
                String present = col + " IS NOT NULL";
                int nonNull = nonNull(q, t, e.column(), col);
                yield new Compiled(e, q, s -> {
                    // A GROUP BY of its own: the modes, all values sharing the highest count.
                    List<Object> modes = new ArrayList<>();
                    long top = -1;
                    for (List<Object> row : s.rows("SELECT " + col + ", COUNT(*) AS dbp_n FROM " + table + where(q.condition(), present)
                            + " GROUP BY " + col + " ORDER BY dbp_n DESC LIMIT 1000", List.of())) {
                        long c = ((Number) row.get(1)).longValue();
                        if (top >= 0 && c < top) {
                            break;
                        }
                        top = c;
                        modes.add(plain(row.get(0)));
                    }
                    modes.sort(Checks::compareValues);
                    long hits = modes.stream().filter(m -> set.stream().anyMatch(x -> x != null && compareValues(x, m) == 0)).count();
                    boolean ok = e.flag("ties_okay") ? hits > 0 : modes.size() == 1 && hits == 1;
                    return new Outcome(ok, modes, s.count(rows), null, null, s.count(rows) - s.count(nonNull), "most common " + (modes.size() == 1 ? "value " : "values ")
                            + modes + (ok ? " in " : (modes.size() > 1 && hits > 0 ? " (a tie; ties_okay is not set) vs " : " not in ")) + set);
                }, null);
            }
            case EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN -> {
                int distinct = q.add("COUNT(DISTINCT " + col + ")");
                int nonNull = nonNull(q, t, e.column(), col);
                yield new Compiled(e, q, s -> {
                    long n = s.count(distinct);
                    boolean ok = inRange(BigDecimal.valueOf(n), e);
                    return new Outcome(ok, n, s.count(rows), null, null, s.count(rows) - s.count(nonNull), n + " distinct values, expected " + range(e));
                }, null);
            }
            case EXPECT_COLUMN_MIN_TO_BE_BETWEEN, EXPECT_COLUMN_MAX_TO_BE_BETWEEN, EXPECT_COLUMN_MEAN_TO_BE_BETWEEN,
                    EXPECT_COLUMN_SUM_TO_BE_BETWEEN -> {
                String fn = switch (e.type()) {
                    case EXPECT_COLUMN_MIN_TO_BE_BETWEEN -> "MIN";
                    case EXPECT_COLUMN_MAX_TO_BE_BETWEEN -> "MAX";
                    case EXPECT_COLUMN_MEAN_TO_BE_BETWEEN -> "AVG";
                    default -> "SUM";
                };
                String agg = fn + "(" + col + ")";
                int value = q.add(agg);
                int nonNull = nonNull(q, t, e.column(), col);
                boolean numeric = fn.equals("AVG") || fn.equals("SUM") || t.column(e.column()).map(Checks::isNumeric).orElse(false);
                // Numbers compare here; dates and strings compare on the server, as MySQL compares them (one
                // more aggregate in the scan, only for those).
                Fragment outside = outside(agg, e);
                int bad = numeric ? -1 : q.add("CASE WHEN " + outside.sql() + " THEN 1 ELSE 0 END", outside.binds());
                yield new Compiled(e, q, s -> {
                    Object raw = s.value(value);
                    Object v = plain(raw);
                    boolean ok = raw != null && (numeric ? inRange(new BigDecimal(raw.toString()), e) : !s.truth(bad));
                    return new Outcome(ok, v, s.count(rows), null, null, s.count(rows) - s.count(nonNull), fn.toLowerCase(Locale.ROOT) + " " + v
                            + (v == null ? " (no values)" : "") + (ok ? " is " : ", expected ") + range(e));
                }, null);
            }
            case EXPECT_COLUMN_MAX_TO_BE_RECENT -> {
                long maxAge = Durations.parse(e.string("max_age")).toSeconds();
                int newest = q.add("MAX(" + col + ")");
                // The database's clock, not this machine's: both ends of the age from one place.
                int age = q.addAfter("TIMESTAMPDIFF(SECOND, " + ScanQuery.ref(newest) + ", NOW())");
                yield new Compiled(e, q, s -> {
                    Object v = plain(s.value(newest));
                    Long seconds = s.value(age) == null ? null : s.count(age);
                    boolean ok = seconds != null && seconds <= maxAge;
                    return new Outcome(ok, v, s.count(rows), null, null, null, v == null ? "no values: nothing is fresh"
                            : "newest " + v + " is " + human(seconds) + " old; allowed " + e.string("max_age"));
                }, null);
            }
            default -> throw new IllegalStateException("not an aggregate expectation: " + e.type());
        };
    }

    /**
     * A column map expectation: rows where {@code unexpected} is true fail. Unexpected predicates rely on
     * SQL's three-valued logic to skip NULLs (GX ignores missing values): {@code NULL > 5} is not true.
     */
    private static Compiled map(Expectation e, ScanQuery q, Schema.Table t, String table, int rows, int denominator,
            Fragment unexpected, String what, java.util.function.ToLongFunction<ScanQuery> counted) {
        // COUNT of a CASE without ELSE: an integer counter per row, cheaper than SUM's decimal accumulation.
        int bad = counted != null ? -1 : q.add("COUNT(CASE WHEN " + unexpected.sql() + " THEN 1 END)", unexpected.binds());
        List<String> cols = e.columns();
        Fragment samples = new Fragment(sampleCols(t, cols, null, true) + " FROM " + table
                + where(q.condition(), unexpected.sql()) + orderByKey(t) + " LIMIT ?", unexpected.binds());
        boolean nullCheck = e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL
                || e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_NULL;
        return new Compiled(e, q, s -> {
            long total = s.count(rows);
            long unexpectedRows = counted != null ? counted.applyAsLong(s) : s.count(bad);
            if (unexpectedRows == 0 && s.isDeferred(denominator)) {
                // Passed without needing the non-null count, which therefore was never computed.
                return new Outcome(true, null, total, 0L, 0.0, null, "0 values " + what);
            }
            long denom = s.count(denominator);
            return mapOutcome(e, total, denom, unexpectedRows, nullCheck ? null : total - denom, "values " + what);
        }, samples);
    }

    /**
     * A column pair expectation; {@code ignore_row_if} as in GX: {@code both_values_are_missing} (the default) skips rows
     * where both are NULL (a row with one NULL is unexpected where {@code nullFails}), {@code either_value_is_missing} skips those too,
     * {@code neither} skips none.
     */
    private static Compiled pair(Expectation e, ScanQuery q, Schema.Table t, String table, int rows, String a, String b,
            String expected, List<Object> binds, boolean nullFails, String what) {
        String ignore = e.string("ignore_row_if") == null ? "both_values_are_missing" : e.string("ignore_row_if");
        String considered = switch (ignore) {
            case "either_value_is_missing" -> a + " IS NOT NULL AND " + b + " IS NOT NULL";
            case "neither" -> "TRUE";
            default -> "(" + a + " IS NOT NULL OR " + b + " IS NOT NULL)";
        };
        int denominator = q.add("COUNT(CASE WHEN " + considered + " THEN 1 END)");
        // GX's SQL a > b is NULL where one side is NULL, and NOT NULL is not unexpected; its equality is a CASE, where NULL is.
        // Where a NULL does not fail, the comparison is NULL wherever either side is, so it needs no "considered AND": one
        // predicate per row fewer in the scan, the same rows.
        Fragment bad = new Fragment(nullFails ? considered + " AND NOT COALESCE(" + expected + ", FALSE)" : "NOT (" + expected + ")", binds);
        return map(e, q, t, table, rows, denominator, bad, what, null);
    }

    /**
     * GX counts every row of a duplicated value (1, 1, 2 has two unexpected rows). The scan's {@code extra} (rows beyond
     * the first of each value) is 0 exactly when GX's count is, so the GROUP BY runs only for a failure.
     */
    private static long duplicateRows(ScanQuery s, String table, String group, String considered, long extra) {
        if (extra == 0) {
            return 0;
        }
        return s.number("SELECT COALESCE(SUM(dbp_n), 0) FROM (SELECT COUNT(*) AS dbp_n FROM " + table + where(s.condition(), considered)
                + " GROUP BY " + group + " HAVING COUNT(*) > 1) AS dbp_dup", List.of());
    }

    /** Python strftime directives as MySQL DATE_FORMAT/STR_TO_DATE ones (%M is minutes in Python, month name in MySQL). */
    static String mysqlDateFormat(String strftime) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                sb.append(c);
                continue;
            }
            char d = strftime.charAt(++i);
            sb.append(switch (d) {
                case 'M' -> "%i";
                case 'B' -> "%M";
                case 'A' -> "%W";
                case 'S' -> "%S";
                case 'z', 'Z' -> "";
                default -> "%" + d;
            });
        }
        return sb.toString();
    }

    /** {@code ORDER BY} the primary key, so failing-row samples come in key order; empty without a key. */
    static String orderByKey(Schema.Table t) {
        return t.primaryKey().isEmpty() ? "" : " ORDER BY " + String.join(", ", t.primaryKey().stream().map(Sql::quote).toList());
    }

    /** Failing-row samples in primary-key order (the column itself when there is no key). */
    static String orderKey(Schema.Table t, String fallback) {
        return t.primaryKey().isEmpty() ? fallback : Sql.quote(t.primaryKey().get(0));
    }

    /** Numbers by value, anything else as text; as GX sorts a column's distinct values. */
    static int compareValues(Object x, Object y) {
        if (x instanceof Number a && y instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
        }
        return String.valueOf(x).compareTo(String.valueOf(y));
    }

    /** GX semantics: {@code mostly} is the fraction of non-missing values that must pass. */
    private static Outcome mapOutcome(Expectation e, long total, long denominator, long unexpected, Long missing, String what) {
        double pct = denominator == 0 ? 0.0 : 100.0 * unexpected / denominator;
        boolean ok = denominator == 0 || (double) (denominator - unexpected) / denominator >= e.mostly() - 1e-12;
        String msg = unexpected + " of " + denominator + " " + what + String.format(Locale.ROOT, " (%.2f%%)", pct)
                + (e.arg("mostly") != null ? ", mostly " + e.arg("mostly") : "");
        return new Outcome(ok, null, total, unexpected, pct, missing, msg);
    }

    /**
     * The non-null count a column map expectation's percentage is of: in the scan when {@code mostly} needs
     * it to decide, deferred otherwise (computed only if the expectation fails; see {@link ScanQuery}).
     */
    static int denominator(ScanQuery q, Expectation e, Schema.Table t, String quoted) {
        boolean nullable = t.column(e.column()).map(Schema.Column::nullable).orElse(true);
        if (!nullable) {
            return q.add("COUNT(*)");
        }
        // In the scan, not deferred: GX reports missing_count for passing expectations too. One COUNT(col) per nullable
        // column, shared by every expectation on it (README: Benchmarks has its cost).
        return q.add("COUNT(" + quoted + ")");
    }

    /** COUNT(col), or the row count itself when the column is NOT NULL (one aggregate fewer per row). */
    static int nonNull(ScanQuery q, Schema.Table t, String column, String quoted) {
        boolean nullable = t.column(column).map(Schema.Column::nullable).orElse(true);
        return nullable ? q.add("COUNT(" + quoted + ")") : q.add("COUNT(*)");
    }

    /**
     * At least the number of distinct values {@code column} has, known after the scan, for choosing how the ordered pass
     * finds its k-th values ({@link ScanQuery.Ordered}): for an integer or DECIMAL column, the values its range can hold,
     * {@code (MAX - MIN) * 10^scale + 1}, from a MIN and a MAX in the scan (often there already); otherwise the scan's
     * {@code COUNT(DISTINCT col)} of a floating-point column if another expectation put one there; otherwise unknown
     * ({@link Long#MAX_VALUE}).
     * Text is never counted: a GROUP BY merges what its collation calls equal ('a' and 'A'), a sort keeps both rows.
     */
    static java.util.function.LongSupplier distinctBound(ScanQuery q, Schema.Table t, String column, String quoted) {
        Schema.Column c = t.column(column).orElseThrow();
        Integer scale = exactScale(c);
        if (scale != null) {
            int min = q.add("MIN(" + quoted + ")");
            int max = q.add("MAX(" + quoted + ")");
            return () -> {
                Object lo = q.value(min);
                Object hi = q.value(max);
                if (lo == null || hi == null) {
                    return 0;
                }
                BigDecimal values = new BigDecimal(hi.toString()).subtract(new BigDecimal(lo.toString())).movePointRight(scale).add(BigDecimal.ONE);
                return values.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : values.longValue();
            };
        }
        if (!c.dataType().matches("float|double|real")) {
            // Text (see above); BIT and YEAR come back as bytes and dates, not numbers to count in order.
            return () -> Long.MAX_VALUE;
        }
        return () -> {
            Integer distinct = q.scanned("COUNT(DISTINCT " + quoted + ")");
            return distinct == null ? Long.MAX_VALUE : q.count(distinct);
        };
    }

    /** Digits after the point of an integer (0) or DECIMAL column ({@code decimal(10,2)}: 2); null for any other type. */
    static Integer exactScale(Schema.Column c) {
        if (c.dataType().matches("tinyint|smallint|mediumint|int|integer|bigint")) {
            return 0;
        }
        if (c.dataType().matches("decimal|numeric")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(\\s*\\d+\\s*,\\s*(\\d+)\\s*\\)").matcher(c.columnType());
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
        return null;
    }

    static boolean isNumeric(Schema.Column c) {
        return c.dataType().matches("tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|bit|year");
    }

    /** Non-null values outside {@code values} (an empty set: every non-null value). */
    static Fragment notIn(String col, List<Object> values) {
        if (values.isEmpty()) {
            return new Fragment(col + " IS NOT NULL");
        }
        Fragment in = in(col, values);
        return new Fragment("NOT (" + in.sql() + ")", in.binds());
    }

    static Fragment in(String col, List<Object> values) {
        if (values.isEmpty()) {
            return new Fragment("FALSE");
        }
        return new Fragment(col + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + ")", values);
    }

    /**
     * Rows whose {@code expr} is outside {@code [min_value, max_value]}. With two inclusive bounds of one type it is
     * {@code NOT (expr BETWEEN ? AND ?)}: the same rows (NULL stays unknown, an inverted range is all rows), with
     * {@code expr} (a {@code CHAR_LENGTH}, say) computed once per row instead of twice.
     */
    static Fragment outsideRows(String expr, Expectation e) {
        Object min = e.arg("min_value");
        Object max = e.arg("max_value");
        if (min != null && max != null && !e.flag("strict_min") && !e.flag("strict_max") && min.getClass() == max.getClass()) {
            return new Fragment("NOT (" + expr + " BETWEEN ? AND ?)", min, max);
        }
        return outside(expr, e);
    }

    /** The values outside {@code [min_value, max_value]} (one-sided when one is missing; strict_* honoured). */
    static Fragment outside(String expr, Expectation e) {
        List<String> parts = new ArrayList<>();
        List<Object> binds = new ArrayList<>();
        if (e.arg("min_value") != null) {
            parts.add(expr + (e.flag("strict_min") ? " <= ?" : " < ?"));
            binds.add(e.arg("min_value"));
        }
        if (e.arg("max_value") != null) {
            parts.add(expr + (e.flag("strict_max") ? " >= ?" : " > ?"));
            binds.add(e.arg("max_value"));
        }
        return new Fragment(parts.isEmpty() ? "FALSE" : "(" + String.join(" OR ", parts) + ")", binds);
    }

    static Fragment regex(Schema.Server server, String col, String regex) {
        if (server.mariaDb()) {
            return new Fragment(col + " REGEXP ?", serverRegex(server, regex));
        }
        return new Fragment("REGEXP_LIKE(" + col + ", ?, 'c')", regex);
    }

    /**
     * GX regexes are case-sensitive (Python {@code re.search}). MariaDB's PCRE REGEXP follows the column's
     * collation (case-insensitive for {@code _ci}), so the pattern gets PCRE's {@code (?-i)}; MySQL 8 gets
     * REGEXP_LIKE's {@code 'c'} match type instead. On MariaDB, {@code \s} is spelled out when the server
     * confirmed that means the same ({@link PcreWhitespace}): several times faster unanchored.
     */
    static String serverRegex(Schema.Server server, String regex) {
        if (!server.mariaDb()) {
            return regex;
        }
        return "(?-i)" + (server.spaceClass() ? PcreWhitespace.rewrite(regex).orElse(regex) : regex);
    }

    static String customQuery(Expectation e, String qualifiedTable) {
        String q = e.string(e.type() == ExpectationType.UNEXPECTED_ROWS_EXPECTATION ? "unexpected_rows_query" : "query");
        return RowConditions.stripTrailingSemicolon(q).replace("{batch}", qualifiedTable);
    }

    static String where(String condition, String extra) {
        if (condition == null) {
            return " WHERE " + extra;
        }
        return " WHERE (" + condition + ") AND (" + extra + ")";
    }

    /** The primary key first (to find the row), then the columns checked. */
    static String sampleCols(Schema.Table t, List<String> cols, String override, boolean withKey) {
        if (override != null) {
            return "SELECT " + override;
        }
        Set<String> names = new LinkedHashSet<>();
        if (withKey) {
            names.addAll(t.primaryKey());
        }
        for (String c : cols) {
            names.add(t.column(c).map(Schema.Column::name).orElse(c));
        }
        return "SELECT " + String.join(", ", names.stream().map(Sql::quote).toList());
    }

    static boolean inRange(BigDecimal v, Expectation e) {
        Object min = e.arg("min_value");
        Object max = e.arg("max_value");
        if (min != null) {
            int c = v.compareTo(new BigDecimal(String.valueOf(min)));
            if (c < 0 || (c == 0 && e.flag("strict_min"))) {
                return false;
            }
        }
        if (max != null) {
            int c = v.compareTo(new BigDecimal(String.valueOf(max)));
            return c < 0 || (c == 0 && !e.flag("strict_max"));
        }
        return true;
    }

    static String range(Expectation e) {
        Object min = e.arg("min_value");
        Object max = e.arg("max_value");
        if (min != null && max != null) {
            boolean sMin = e.flag("strict_min");
            boolean sMax = e.flag("strict_max");
            if (!sMin && !sMax) {
                return "between " + min + " and " + max;
            }
            // A strict bound says so: "in (1, 6], min exclusive".
            return "in " + (sMin ? "(" : "[") + min + ", " + max + (sMax ? ")" : "]") + ", "
                    + (sMin && sMax ? "both exclusive" : sMin ? "min exclusive" : "max exclusive");
        }
        return min != null ? (e.flag("strict_min") ? "> " : ">= ") + min : (e.flag("strict_max") ? "< " : "<= ") + max;
    }

    static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (v instanceof Long l) {
            ps.setLong(index, l);
        } else if (v instanceof Integer i) {
            ps.setInt(index, i);
        } else if (v instanceof Boolean b) {
            ps.setBoolean(index, b);
        } else if (v instanceof Double d) {
            ps.setDouble(index, d);
        } else if (v == null) {
            ps.setNull(index, java.sql.Types.VARCHAR);
        } else {
            ps.setString(index, String.valueOf(v));
        }
    }

    /** JDBC values as they read in a report (dates as ISO text, big numbers as plain decimals). */
    static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            return v;
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().scale() <= 0 ? d.toBigInteger() : d;
        }
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof byte[] b) {
            return "0x" + java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, 64));
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        return v.toString();
    }

    static String human(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        if (seconds < 172800) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
