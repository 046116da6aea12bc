package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/** Each expectation once passing and once failing, on real SQL, in both strategies. */
class ExpectationsTest {

    @TempDir
    Path dir;

    private ValidationResult run(TestDatabase db, String suite, Strategy strategy) throws Exception {
        Path file = dir.resolve("suite-" + strategy + ".yaml");
        Files.writeString(file, suite);
        return new DataValidate(Progress.silent()).run(new ValidateRequest(db.root(), null, file, Map.of(), Set.of(), null, "x",
                strategy, 3, false, 0));
    }

    private static void table(TestDatabase db) {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(20), n INT, price DECIMAL(8,2), a INT, b INT,"
                        + " ts DATETIME, doc JSON, g CHAR(1))",
                "INSERT INTO t VALUES (1,'AB-1',5,1.50,2,1,NOW(),'{}','x'), (2,'AB-2',7,2.50,3,3,NOW() - INTERVAL 1 HOUR,'[]','x'),"
                        + " (3,'ab-3',NULL,3.00,1,2,NOW() - INTERVAL 2 DAY,NULL,'y'), (4,'AB-4',7,10.00,5,4,NOW(),NULL,'y')");
    }

    // Each line: expectation that PASSES, then one that FAILS; tag with p/f in the order of the suite.
    private static final String SUITE = """
            tables:
              t:
                - expect_table_to_exist:
                - expect_table_columns_to_match_set: {column_set: [id, code, n, price, a, b, ts, doc, g]}
                - expect_table_columns_to_match_set: {column_set: [id, code], exact_match: true}
                - expect_table_columns_to_match_ordered_list: {column_list: [id, code, n, price, a, b, ts, doc, g]}
                - expect_table_columns_to_match_ordered_list: {column_list: [code, id, n, price, a, b, ts, doc, g]}
                - expect_column_to_exist: {column: code, column_index: 1}
                - expect_column_values_to_be_of_type: {column: n, type_: INTEGER}
                - expect_column_values_to_be_of_type: {column: n, type_: VARCHAR}
                - expect_column_values_to_be_in_type_list: {column: doc, type_list: [JSON, TEXT]}
                - expect_table_row_count_to_be_between: {min_value: 1, max_value: 4}
                - expect_table_row_count_to_be_between: {min_value: 5}
                - expect_table_row_count_to_equal: {value: 4}
                - expect_table_row_count_to_equal: {value: 2, row_condition: "g = 'y'"}
                - expect_table_row_count_to_equal: {value: 3, row_condition: "g = 'y'"}
                - expect_column_values_to_not_be_null: {column: n, mostly: 0.75}
                - expect_column_values_to_not_be_null: {column: n}
                - expect_column_values_to_be_null: {column: doc, row_condition: "g = 'y'"}
                - expect_column_values_to_be_null: {column: doc}
                - expect_column_values_to_be_unique: {column: code}
                - expect_column_values_to_be_unique: {column: n}
                - expect_compound_columns_to_be_unique: {column_list: [n, g]}
                - expect_compound_columns_to_be_unique: {column_list: [g]}
                - expect_column_values_to_be_in_set: {column: n, value_set: [5, 7]}
                - expect_column_values_to_be_in_set: {column: g, value_set: [x]}
                - expect_column_values_to_not_be_in_set: {column: g, value_set: [z]}
                - expect_column_values_to_not_be_in_set: {column: g, value_set: [y]}
                - expect_column_distinct_values_to_be_in_set: {column: g, value_set: [x, y, z]}
                - expect_column_distinct_values_to_be_in_set: {column: g, value_set: [x]}
                - expect_column_distinct_values_to_equal_set: {column: g, value_set: [x, y]}
                - expect_column_distinct_values_to_equal_set: {column: g, value_set: [x, y, z]}
                - expect_column_values_to_be_between: {column: price, min_value: 1, max_value: 10}
                - expect_column_values_to_be_between: {column: price, min_value: 1, max_value: 10, strict_max: true}
                - expect_column_min_to_be_between: {column: price, min_value: 1.5, max_value: 1.5}
                - expect_column_max_to_be_between: {column: price, max_value: 9.99}
                - expect_column_mean_to_be_between: {column: n, min_value: 6.3, max_value: 6.4}
                - expect_column_sum_to_be_between: {column: n, min_value: 20}
                - expect_column_values_to_match_regex: {column: code, regex: '^[A-Z]{2}-[0-9]$', mostly: 0.75}
                - expect_column_values_to_match_regex: {column: code, regex: '^[A-Z]{2}-[0-9]$'}
                - expect_column_values_to_not_match_regex: {column: code, regex: 'Z'}
                - expect_column_values_to_not_match_regex: {column: code, regex: '-3$'}
                - expect_column_value_lengths_to_be_between: {column: code, min_value: 4, max_value: 4}
                - expect_column_value_lengths_to_be_between: {column: code, max_value: 3}
                - expect_column_pair_values_a_to_be_greater_than_b: {column_A: a, column_B: b, or_equal: true, mostly: 0.75}
                - expect_column_pair_values_a_to_be_greater_than_b: {column_A: a, column_B: b}
                - expect_column_unique_value_count_to_be_between: {column: g, min_value: 2, max_value: 2}
                - expect_column_unique_value_count_to_be_between: {column: n, min_value: 3}
                - expect_column_max_to_be_recent: {column: ts, max_age: 1h}
                - expect_column_max_to_be_recent: {column: ts, max_age: 1d, row_condition: "g = 'y' AND id = 3"}
                - expect_query_to_return_no_rows: {query: "SELECT id FROM {batch} WHERE price > 100"}
                - unexpected_rows_expectation: {unexpected_rows_query: "SELECT id, price FROM {batch} WHERE price > 2"}
            """;

    @EachServer
    void everyExpectationPassesAndFailsAsGreatExpectationsWould(TestDatabase db) throws Exception {
        table(db);
        for (Strategy strategy : Strategy.values()) {
            ValidationResult r = run(db, SUITE, strategy);
            List<ExpectationResult> results = r.results();
            assertEquals(50, results.size());
            // Three leading metadata checks pass; from then on they come in pass/fail pairs, except the in_type_list one.
            String outcomes = results.stream().map(x -> x.success() ? "p" : "f").collect(Collectors.joining());
            assertEquals("ppf" + "pf" + "p" + "pf" + "p" + "pf" + "p" + "pf" + "pf".repeat(18), outcomes,
                    strategy + ": " + results.stream().filter(x -> !x.success()).map(x -> x.id() + " " + x.message()).toList());
        }
    }

    @EachServer
    void medianQuantilesAndColumnCountsAsGreatExpectationsComputesThem(TestDatabase db) throws Exception {
        table(db);
        ValidationResult r = run(db, """
                tables:
                  t:
                    - expect_table_column_count_to_equal: {value: 9}
                    - expect_table_column_count_to_be_between: {min_value: 10}
                    - expect_column_median_to_be_between: {column: n, min_value: 7, max_value: 7}
                    - expect_column_median_to_be_between: {column: price, min_value: 2.75, max_value: 2.75}
                    - expect_column_quantile_values_to_be_between:
                        column: price
                        quantile_ranges: {quantiles: [0, 0.5, 1], value_ranges: [[1.5, 1.5], [2.5, 2.5], [null, 9]]}
                    - expect_column_proportion_of_unique_values_to_be_between: {column: g, min_value: 0.5, max_value: 0.5}
                    - expect_column_stdev_to_be_between: {column: n, min_value: 1.15, max_value: 1.16}
                    - expect_column_values_to_be_in_set: {column: n, value_set: [5, 7]}
                """, Strategy.SINGLE_SCAN);
        assertEquals(List.of(true, false, true, true, false, true, true, true), r.results().stream().map(ExpectationResult::success).toList(),
                r.results().toString());
        // GX reports missing_count for passing column expectations too: from the scan's COUNT(n), no extra query.
        assertEquals(1L, r.results().get(7).missingCount());
        assertEquals(1L, r.results().get(6).missingCount());
        assertEquals(9, r.results().get(0).observedValue());
        // n is 5, 7, NULL, 7: the middle of three; price has four values: the mean of the middle two.
        assertEquals(7, ((Number) r.results().get(2).observedValue()).intValue());
        assertEquals(1L, r.results().get(2).missingCount());
        assertEquals(0, new java.math.BigDecimal("2.75").compareTo(new java.math.BigDecimal(r.results().get(3).observedValue().toString())));
        // GX on MySQL: the value at row floor(q (n - 1)) + 1 of the ordered values: 1.50, 2.50, 10.00.
        Map<?, ?> quantiles = (Map<?, ?>) r.results().get(4).observedValue();
        assertEquals(List.of("1.5", "2.5", "10"), ((List<?>) quantiles.get("values")).stream()
                .map(v -> new java.math.BigDecimal(v.toString()).stripTrailingZeros().toPlainString()).toList());
        assertTrue(r.results().get(4).message().contains("q1 = 10 not in [null, 9]"), r.results().get(4).message());
        // One scan and one ordered pass serve the medians and the quantiles of the table; nothing failed has samples.
        assertEquals(2, r.queries());
    }

    /**
     * The ordered pass finds a k-th value from the column's histogram when its range holds few values (an INT or DECIMAL
     * of narrow range, or a column whose distinct count the scan has), from window functions otherwise (a wide BIGINT, a
     * DOUBLE): the same values either way, NULLs and row conditions included.
     */
    @EachServer
    void medianAndQuantilesAreTheSameFromAHistogramAndFromWindowFunctions(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE m (id INT PRIMARY KEY, i INT, p DECIMAL(6,2), w BIGINT, d DOUBLE, e DOUBLE, f TINYINT(1))",
                "INSERT INTO m (id, i) VALUES (1, 3), (2, 1), (3, 4), (4, 1), (5, 5), (6, 9), (7, 2), (8, 6), (9, 5), (10, 3), (11, NULL), (12, NULL)",
                "UPDATE m SET p = i / 4, w = i * 1000000, d = i + 0.5, e = i + 0.5, f = i % 2");
        // Sorted non-null i: 1 1 2 3 3 4 5 5 6 9; with id <= 7: 1 1 2 3 4 5 9. f (MySQL's JDBC reads TINYINT(1) as a
        // boolean): 0 0 0 1 1 1 1 1 1 1, a median of 1 as a number.
        String quantiles = "quantile_ranges: {quantiles: [0, 0.25, 0.5, 0.9, 1], value_ranges: [[0, 99e6], [0, 99e6], [0, 99e6], [0, 99e6], [0, 99e6]]}";
        String suite = """
                tables:
                  m:
                    - expect_column_median_to_be_between: {column: i, min_value: 3.5, max_value: 3.5}
                    - expect_column_median_to_be_between: {column: p, min_value: 0.875, max_value: 0.875}
                    - expect_column_median_to_be_between: {column: w, min_value: 3500000, max_value: 3500000}
                    - expect_column_median_to_be_between: {column: d, min_value: 4, max_value: 4}
                    - expect_column_median_to_be_between: {column: e, min_value: 4, max_value: 4}
                    - expect_column_unique_value_count_to_be_between: {column: e, min_value: 7, max_value: 7}
                    - expect_column_median_to_be_between: {column: i, min_value: 3, max_value: 3, row_condition: "id <= 7"}
                    - expect_column_median_to_be_between: {column: w, min_value: 3000000, max_value: 3000000, row_condition: "id <= 7"}
                    - expect_column_quantile_values_to_be_between: {column: i, %s}
                    - expect_column_quantile_values_to_be_between: {column: w, %s}
                    - expect_column_quantile_values_to_be_between: {column: d, %s}
                    - expect_column_median_to_be_between: {column: f, min_value: 1, max_value: 1}
                """.formatted(quantiles, quantiles, quantiles);
        for (Strategy strategy : Strategy.values()) {
            ValidationResult r = run(db, suite, strategy);
            assertTrue(r.results().stream().allMatch(ExpectationResult::success), strategy + ": " + r.results().stream()
                    .filter(x -> !x.success()).map(x -> x.id() + " " + x.message()).toList());
            assertEquals(List.of(1, 2, 3, 6, 9), quantileValues(r.results().get(8), 1));
            assertEquals(List.of(1, 2, 3, 6, 9), quantileValues(r.results().get(9), 1_000_000));
            assertEquals(List.of(1, 2, 3, 6, 9), quantileValues(r.results().get(10), 1));
            if (strategy == Strategy.SINGLE_SCAN) {
                // Per row condition: one scan, one ordered pass for every median and quantile.
                assertEquals(4, r.queries());
            }
        }
    }

    /** A quantile expectation's observed values, divided by {@code unit}, rounded down (d's values are i + 0.5). */
    private static List<Integer> quantileValues(ExpectationResult r, long unit) {
        return ((List<?>) ((Map<?, ?>) r.observedValue()).get("values")).stream()
                .map(v -> new java.math.BigDecimal(v.toString()).divide(java.math.BigDecimal.valueOf(unit)).intValue()).toList();
    }

    @EachServer
    void zScoresAreGreatExpectationsSampleStdevOnesWithDoubleSidedAndMostly(TestDatabase db) throws Exception {
        // v: 1, 2, 3, 4, 100, NULL. Mean 22, sample stdev sqrt(7610 / 4) = 43.617: z = -0.482, -0.459, -0.436, -0.413, 1.788.
        db.execute("CREATE TABLE zs (id INT PRIMARY KEY, v INT, k INT, s VARCHAR(5))",
                "INSERT INTO zs VALUES (1, 1, 7, 'a'), (2, 2, 7, 'b'), (3, 3, 7, 'c'), (4, 4, 7, 'd'), (5, 100, 7, 'e'), (6, NULL, 7, 'f')");
        for (Strategy strategy : Strategy.values()) {
            ValidationResult r = run(db, """
                    tables:
                      zs:
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: 2, double_sided: true}
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: 1.5, double_sided: true}
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: 1.5, double_sided: true, mostly: 0.8}
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: -0.44, double_sided: false}
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: -0.44, double_sided: true}
                        - expect_column_value_z_scores_to_be_less_than: {column: k, threshold: 0.1, double_sided: true}
                        - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: 1.9, double_sided: true}
                    """, strategy);
            List<ExpectationResult> z = r.results();
            // The last one tells the sample stdev from the population one (sqrt(7610 / 5) = 39.01 would make the outlier's z 1.999).
            assertEquals(List.of(true, false, true, false, false, true, true), z.stream().map(ExpectationResult::success).toList(), strategy + ": " + z);
            assertEquals(List.of(0L, 1L, 1L, 3L, 3L, 0L, 0L), z.stream().map(ExpectationResult::unexpectedCount).toList(), strategy + ": " + z);
            assertEquals(1L, z.get(1).missingCount(), "the NULL is missing, not unexpected");
            assertEquals(20.0, z.get(1).unexpectedPercent(), 1e-9);
            // The failing rows, with their z-scores: the outlier; z < -0.44 fails on 3, 4, 5; |z| < 0.44 on 1, 2, 5.
            assertEquals(List.of(5), z.get(1).samples().stream().map(row -> row.get(0)).toList());
            assertEquals(1.788, ((Number) z.get(1).samples().get(0).get(2)).doubleValue(), 1e-3);
            assertEquals(List.of(3, 4, 5), z.get(3).samples().stream().map(row -> row.get(0)).toList());
            assertEquals(List.of(1, 2, 5), z.get(4).samples().stream().map(row -> row.get(0)).toList());
            assertTrue(z.get(5).message().contains("standard deviation is 0"), z.get(5).message());
        }
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, """
                tables:
                  zs:
                    - expect_column_value_z_scores_to_be_less_than: {column: s, threshold: 2, double_sided: true}
                    - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: two, double_sided: true}
                    - expect_column_value_z_scores_to_be_less_than: {column: v, threshold: 2}
                """, Strategy.SINGLE_SCAN));
        assertTrue(e.getMessage().contains("'threshold' must be a number"), e.getMessage());
        assertTrue(e.getMessage().contains("needs argument 'double_sided'"), e.getMessage());
        DbPromoteException text = assertThrows(DbPromoteException.class, () -> run(db, """
                tables:
                  zs:
                    - expect_column_value_z_scores_to_be_less_than: {column: s, threshold: 2, double_sided: true}
                """, Strategy.SINGLE_SCAN));
        assertTrue(text.getMessage().contains("column 's' is varchar, not a number"), text.getMessage());
    }

    @EachServer
    void distributionalExpectationsAreRefusedWithTheReasonNotASuggestion(TestDatabase db) throws Exception {
        table(db);
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, """
                tables:
                  t:
                    - expect_column_kl_divergence_to_be_less_than: {column: n, partition_object: {}, threshold: 0.1}
                    - expect_column_mode_to_be_between: {column: n, min_value: 1}
                """, Strategy.SINGLE_SCAN));
        assertTrue(e.getMessage().contains("expect_column_kl_divergence_to_be_less_than is not supported: "), e.getMessage());
        assertFalse(e.getMessage().contains("did you mean"), "no look-alike for a statistic: " + e.getMessage());
    }

    @EachServer
    void aScanOfOnlyCountsReadsTheRows(TestDatabase db) throws Exception {
        table(db);
        // Every aggregate here is a COUNT and there is no row_condition: MySQL 8.0.15 would answer them all
        // with the row count (4) unless the scan makes it read the rows.
        for (Strategy strategy : Strategy.values()) {
            ValidationResult r = run(db, """
                    tables:
                      t:
                        - expect_column_values_to_not_be_null: {column: n}
                        - expect_column_values_to_be_in_set: {column: g, value_set: [x]}
                    """, strategy);
            assertEquals(List.of(1L, 2L), r.results().stream().map(ExpectationResult::unexpectedCount).toList(), strategy.toString());
            assertEquals(List.of(4L, 4L), r.results().stream().map(ExpectationResult::elementCount).toList(), strategy.toString());
        }
    }

    @EachServer
    void typeNamesFromGxSuitesMatchOnBothServers(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE ty (id INT PRIMARY KEY, big BIGINT UNSIGNED, flag BOOLEAN, price DECIMAL(8,2), name VARCHAR(20),"
                + " body TEXT, at DATETIME, ts TIMESTAMP NULL, day DATE, doc JSON, cc CHAR(2), x DOUBLE, kind ENUM('a', 'b'),"
                + " raw VARBINARY(16), latin VARCHAR(10) CHARACTER SET latin1)");
        String[][] cases = {
            {"id", "INTEGER"}, {"id", "int(11)"}, {"id", "INT"}, {"big", "BIGINT"}, {"big", "bigint unsigned"}, {"flag", "BOOLEAN"},
            {"flag", "TINYINT"}, {"price", "DECIMAL(8,2)"}, {"price", "NUMERIC"}, {"name", "VARCHAR(20)"}, {"name", "STRING"},
            {"body", "TEXT"}, {"at", "DATETIME"}, {"ts", "TIMESTAMP"}, {"day", "DATE"}, {"doc", "JSON"}, {"cc", "CHAR(2)"},
            {"x", "DOUBLE"}, {"x", "FLOAT64"}, {"x", "DOUBLE PRECISION"}, {"name", "CHARACTER VARYING"}, {"kind", "ENUM"}, {"raw", "VARBINARY"}, {"latin", "VARCHAR"},
        };
        StringBuilder suite = new StringBuilder("tables:\n  ty:\n");
        for (String[] c : cases) {
            suite.append("    - expect_column_values_to_be_of_type: {column: ").append(c[0]).append(", type_: '").append(c[1]).append("'}\n");
        }
        // And what must not match.
        suite.append("    - expect_column_values_to_be_of_type: {column: id, type_: BIGINT}\n");
        suite.append("    - expect_column_values_to_be_of_type: {column: body, type_: JSON}\n");
        suite.append("    - expect_column_values_to_be_of_type: {column: price, type_: 'DECIMAL(10,2)'}\n");
        ValidationResult r = run(db, suite.toString(), Strategy.SINGLE_SCAN);
        String expected = "p".repeat(cases.length) + "fff";
        assertEquals(expected, r.results().stream().map(x -> x.success() ? "p" : "f").collect(Collectors.joining()),
                r.results().stream().map(x -> x.kwargs() + " " + x.message()).collect(Collectors.joining("\n")));
    }

    @EachServer
    void regexWorksOnColumnsThatAreNotUtf8mb4Text(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE rx (id INT PRIMARY KEY, latin VARCHAR(10) CHARACTER SET latin1, n INT, at DATETIME, kind ENUM('ab', 'Ba'))",
                "INSERT INTO rx VALUES (1, 'ab', 12, '2025-01-02 03:04:05', 'ab'), (2, 'AB', 7, '2024-12-31 00:00:00', 'Ba')");
        ValidationResult r = run(db, """
                tables:
                  rx:
                    - expect_column_values_to_match_regex: {column: latin, regex: '^[a-z]+$'}
                    - expect_column_values_to_match_regex: {column: n, regex: '^[0-9]{2}$'}
                    - expect_column_values_to_match_regex: {column: at, regex: '^2025-'}
                    - expect_column_values_to_match_regex: {column: kind, regex: '^a'}
                """, Strategy.SINGLE_SCAN);
        // Case-sensitive on a latin1 _ci column too; numbers and dates are matched as their text, like GX's str().
        assertEquals(List.of(1L, 1L, 1L, 1L), r.results().stream().map(ExpectationResult::unexpectedCount).toList(),
                r.results().stream().map(ExpectationResult::message).toList().toString());
        assertEquals(List.of(List.of(2, "AB")), r.results().get(0).samples());
    }

    @EachServer
    void regexClassesAreUnicodeAwareLikePythonsReOnBothServers(TestDatabase db) throws Exception {
        // GX evaluates regexes with Python's re, whose \d, \s and \w know Unicode. MySQL 8's ICU does so too, and
        // so does MariaDB's PCRE2 on utf8mb4 columns: ARABIC-INDIC DIGIT THREE is a digit, NO-BREAK SPACE and EM SPACE
        // are spaces, and é, ß and a full-width a are word characters.
        db.execute("CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR(20))");
        try (var c = db.connect(); var ps = c.prepareStatement("INSERT INTO u VALUES (?, ?)")) {
            String[] values = {"3", "\u0663", "a b", "a\u00a0b", "a\u2003b", "\u00e9", "a", "A", "\uff41", "\u00df", "x\ny"};
            for (int i = 0; i < values.length; i++) {
                ps.setInt(1, i);
                ps.setString(2, values[i]);
                ps.execute();
            }
        }
        ValidationResult r = run(db, """
                tables:
                  u:
                    - expect_column_values_to_not_match_regex: {column: v, regex: '^\\d$'}
                    - expect_column_values_to_not_match_regex: {column: v, regex: 'a\\sb'}
                    - expect_column_values_to_not_match_regex: {column: v, regex: '^\\w$'}
                    - expect_column_values_to_not_match_regex: {column: v, regex: '^[a-z]$'}
                    - expect_column_values_to_not_match_regex: {column: v, regex: 'x.y'}
                """, Strategy.SINGLE_SCAN);
        // What Python's re.search finds: ids 0-1, 2-4, 0-1 and 5-9, 6 (case-sensitive), none (. is not a newline).
        assertEquals(List.of(2L, 3L, 7L, 1L, 0L), r.results().stream().map(ExpectationResult::unexpectedCount).toList());
        assertEquals(Set.of(2, 3, 4), r.results().get(1).samples().stream().map(row -> row.get(0)).collect(Collectors.toSet()));
    }

    @EachServer
    void countsPercentagesAndSamplesFollowGreatExpectations(TestDatabase db, TestServer server) throws Exception {
        table(db);
        ValidationResult r = run(db, SUITE, Strategy.SINGLE_SCAN);
        Map<String, ExpectationResult> by = r.results().stream().collect(Collectors.toMap(ExpectationResult::id, x -> x));
        ExpectationResult notNull = by.get("t.15.expect_column_values_to_not_be_null");
        assertEquals(1L, notNull.unexpectedCount());
        assertEquals(25.0, notNull.unexpectedPercent(), 1e-9);
        assertEquals(List.of(java.util.Arrays.asList(3, null)), notNull.samples());
        assertEquals(List.of("id", "n"), notNull.sampleColumns());
        ExpectationResult strict = by.get("t.31.expect_column_values_to_be_between");
        assertTrue(strict.message().contains("values outside [1, 10), max exclusive"), "a strict bound says so: " + strict.message());
        ExpectationResult unique = by.get("t.19.expect_column_values_to_be_unique");
        assertEquals(2L, unique.unexpectedCount(), "both rows of 7, as GX counts duplicates");
        assertEquals(List.of("n", "occurrences"), unique.sampleColumns());
        assertEquals(List.of(List.of(7, 2L)), unique.samples());
        ExpectationResult regex = by.get("t.37.expect_column_values_to_match_regex");
        assertEquals(List.of(List.of(3, "ab-3")), regex.samples(), "regex is case-sensitive like GX, on MariaDB too");
        ExpectationResult mean = by.get("t.34.expect_column_mean_to_be_between");
        assertEquals("6.3333", String.valueOf(mean.observedValue()));
        ExpectationResult equalSet = by.get("t.29.expect_column_distinct_values_to_equal_set");
        assertTrue(equalSet.message().contains("set values never seen: [z]"), equalSet.message());
        ExpectationResult custom = by.get("t.49.unexpected_rows_expectation");
        assertEquals(3L, custom.unexpectedCount());
        assertEquals(List.of("id", "price"), custom.sampleColumns());
        ExpectationResult type = by.get("t.8.expect_column_values_to_be_in_type_list");
        assertTrue(type.success(), "MariaDB JSON (LONGTEXT + json_valid CHECK) and MySQL's json type are JSON: " + type.message());
        assertEquals("json", type.observedValue());
    }

    @EachServer
    void suiteErrorsAgainstTheDatabaseComeBeforeAnyQueryWithLines(TestDatabase db, TestServer server) throws Exception {
        table(db);
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, """
                tables:
                  t:
                    - expect_column_values_to_not_be_null: {column: nn}
                    - expect_column_values_to_match_regex: {column: code, regex: '(unclosed'}
                    - expect_column_values_to_not_be_null: {column: n, row_condition: "missing_col = 1"}
                    - expect_column_values_to_exist_in_other_table: {column: n, other_table: nope, other_column: id}
                    - expect_table_row_count_to_equal_source:
                  tt:
                    - expect_table_row_count_to_be_between: {min_value: 1}
                """, Strategy.SINGLE_SCAN));
        String msg = e.getMessage();
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(msg.contains(":3: expect_column_values_to_not_be_null: column 'nn' does not exist in table 't'; did you mean 'n'?"), msg);
        assertTrue(msg.contains(":4: expect_column_values_to_match_regex: the regex '(unclosed' does not compile on "
                + (server.mariaDb() ? "MariaDB" : "MySQL 8.")), msg);
        assertTrue(msg.contains(":5: expect_column_values_to_not_be_null: row_condition 'missing_col = 1' does not run"), msg);
        assertTrue(msg.contains(":6: expect_column_values_to_exist_in_other_table: other_table 'nope' does not exist"), msg);
        assertTrue(msg.contains(":7: expect_table_row_count_to_equal_source: expect_table_row_count_to_equal_source needs the source database"), msg);
        assertTrue(msg.contains(":9: expect_table_row_count_to_be_between: table 'tt' does not exist in database"), msg);
        assertTrue(msg.contains("did you mean 't'?"), msg);
    }

    @EachServer
    void pythonNamedGroupsRunOnMariaDbAndAreASuiteErrorWithTheIcuSpellingOnMySql(TestDatabase db, TestServer server) throws Exception {
        table(db);
        String suite = """
                tables:
                  t:
                    - expect_column_values_to_match_regex: {column: code, regex: '^(?P<prefix>[A-Z]{2})-[0-9]$'}
                """;
        if (server.mariaDb()) {
            assertEquals(1L, run(db, suite, Strategy.SINGLE_SCAN).results().get(0).unexpectedCount(), "PCRE knows Python's syntax");
            return;
        }
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, suite, Strategy.SINGLE_SCAN));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("does not compile on MySQL 8.") && e.getMessage().contains(
                "Python's (?P<name>...) is (?<name>...) there"), e.getMessage());
    }

    @EachServer
    void missingTableOrColumnIsAFailureWhenTheSuiteExpectsItsExistence(TestDatabase db) throws Exception {
        table(db);
        ValidationResult r = run(db, """
                tables:
                  t:
                    - expect_column_to_exist: {column: email}
                    - expect_column_values_to_not_be_null: {column: email}
                  gone:
                    - expect_table_to_exist:
                    - expect_table_row_count_to_be_between: {min_value: 1}
                """, Strategy.SINGLE_SCAN);
        assertFalse(r.success());
        assertEquals(List.of("column email does not exist; columns: [id, code, n, price, a, b, ts, doc, g]",
                        "not run: column 'email' does not exist", "table 'gone' does not exist", "not run: table 'gone' does not exist"),
                r.results().stream().map(ExpectationResult::message).toList());
    }

    @EachServer
    void customQueriesRunReadOnly(TestDatabase db) throws Exception {
        table(db);
        // Passes the offline check (it is a SELECT) but would write: the read-only session refuses it.
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, """
                tables:
                  t:
                    - expect_query_to_return_no_rows: {query: "SELECT id FROM {batch} WHERE id = 1 FOR UPDATE"}
                """, Strategy.SINGLE_SCAN));
        assertTrue(e.getMessage().contains("READ ONLY") || e.getMessage().contains("read only") || e.getMessage().contains("read-only"),
                e.getMessage());
    }
}
