package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteLoaderTest {

    private static final Path FILE = Path.of("db/expectations.yaml");

    /** A fixed clock in a zone that is not UTC: now() must still be UTC. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-07-01T12:00:00Z"), ZoneId.of("Europe/Berlin"));
    private static final LocalDateTime UTC_NOW = LocalDateTime.ofInstant(CLOCK.instant(), ZoneOffset.UTC);

    private static Suite load(String text, Map<String, String> params) {
        return new SuiteLoader(params, CLOCK).parse(text, FILE);
    }

    private static String error(String text, Map<String, String> params) {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> load(text, params));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    private static String error(String text) {
        return error(text, FILE);
    }

    private static String error(String text, Path file) {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> new SuiteLoader(Map.of()).parse(text, file));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    @Test
    void readsTheYamlFormWithLinesAndParameters() {
        Suite s = load("""
                suite: orders
                tables:
                  orders:
                    expectations:
                      - expect_column_values_to_not_be_null: {column: id}
                      - expect_column_values_to_be_between:
                          column: total
                          min_value: 0
                          max_value: $MAX_TOTAL
                          mostly: 0.95
                """, Map.of("MAX_TOTAL", "1000.50"));
        assertEquals("orders", s.name());
        assertEquals(2, s.expectations().size());
        Expectation between = s.expectations().get(1);
        assertEquals(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, between.type());
        assertEquals(6, between.line());
        assertEquals(new BigDecimal("1000.50"), between.arg("max_value"));
        assertEquals(0L, between.arg("min_value"));
        assertEquals(0.95, between.mostly(), 1e-9);
        assertEquals(5, s.expectations().get(0).line());
    }

    @Test
    void readsGreatExpectationsJsonSuitesAsTheyAre() {
        Suite s = load("""
                {
                  "expectation_suite_name": "orders.warning",
                  "expectations": [
                    {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}, "meta": {}},
                    {"expectation_type": "expect_table_row_count_to_be_between",
                     "kwargs": {"min_value": {"$PARAMETER": "MIN_ROWS"}, "max_value": null}},
                    {"type": "ExpectColumnValuesToBeInSet", "id": "8b2f", "severity": "critical", "kwargs": {"column": "status", "value_set": ["a", "b"], "table": "order_status"}}
                  ]
                }
                """, Map.of("MIN_ROWS", "10"));
        assertEquals("orders.warning", s.name());
        assertEquals(List.of("orders", "orders", "order_status"), s.expectations().stream().map(Expectation::table).toList());
        assertEquals(10L, s.expectations().get(1).arg("min_value"));
        assertEquals(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, s.expectations().get(2).type());
        assertEquals(7, s.expectations().get(2).line());
    }

    @Test
    void unknownExpectationSuggestsTheClosestNameWithFileAndLine() {
        String msg = error("""
                tables:
                  orders:
                    - expect_column_values_to_not_be_nul: {column: id}
                """);
        assertTrue(msg.contains("db/expectations.yaml:3: unknown expectation 'expect_column_values_to_not_be_nul';"
                + " did you mean 'expect_column_values_to_not_be_null'?"), msg);
        assertTrue(msg.contains("nothing was run"), msg);
    }

    @Test
    void missingAndUnknownArgumentsAreAllReportedTogether() {
        String msg = error("""
                tables:
                  orders:
                    - expect_column_values_to_be_in_set: {column: status}
                    - expect_column_values_to_not_be_null:
                        column: id
                        mostlly: 0.9
                    - expect_column_values_to_be_between: {column: total, mostly: 2}
                    - expect_column_mean_to_be_between: {column: total}
                """);
        assertTrue(msg.contains(":3: expect_column_values_to_be_in_set needs argument 'value_set'"), msg);
        assertTrue(msg.contains(":6: unknown argument 'mostlly' for expect_column_values_to_not_be_null; did you mean 'mostly'?"), msg);
        assertTrue(msg.contains(":7: 'mostly' must be a number from 0 to 1"), msg);
        assertTrue(msg.contains(":7: expect_column_values_to_be_between needs 'min_value', 'max_value' or both"), msg);
        assertTrue(msg.contains(":8: expect_column_mean_to_be_between needs 'min_value', 'max_value' or both"), msg);
        assertTrue(msg.contains("has 5 problems"), msg);
    }

    @Test
    void unsetParameterNamesBothWaysToSetIt() {
        String msg = error("""
                tables:
                  orders:
                    - expect_table_row_count_to_be_between: {min_value: $MIN_ROWS}
                """);
        assertTrue(msg.contains(":3: suite parameter $MIN_ROWS has no value; set validate.parameters.MIN_ROWS in dbpromote.yaml"
                + " or pass --param MIN_ROWS=VALUE"), msg);
    }

    @Test
    void anEmptyRegexIsASuiteErrorOnEveryServer() {
        // MariaDB and Python would match every value with it, MySQL 8 refuses it: a slip either way.
        String msg = error("""
                tables:
                  customers:
                    - expect_column_values_to_match_regex: {column: email, regex: ''}
                """);
        assertTrue(msg.contains(":3: 'regex' is empty, which would match every value"), msg);
    }

    @Test
    void rowConditionsMustBeOneConditionWithoutStatementsOrComments() {
        for (String bad : List.of("status = 'paid'; DROP TABLE orders", "status = 'paid' -- x", "status = 'paid' /* x */",
                "status = 'paid' # x", "1=1) UNION SELECT password FROM mysql.user WHERE (1=1", "status = 'unterminated")) {
            String msg = error("tables:\n  orders:\n    - expect_column_values_to_not_be_null: {column: id, row_condition: \""
                    + bad.replace("\"", "\\\"") + "\"}\n");
            assertTrue(msg.contains(":3: row_condition "), bad + " -> " + msg);
        }
        // Quotes may carry those characters: they are data, not SQL.
        Suite ok = load("tables:\n  orders:\n    - expect_column_values_to_not_be_null: {column: id, row_condition: \"note = 'a;b -- #c'\"}\n", Map.of());
        assertEquals("note = 'a;b -- #c'", ok.expectations().get(0).rowCondition());
    }

    @Test
    void gxConditionParsersOtherThanSqlAreRejectedWithTheFix() {
        String msg = error("tables:\n  orders:\n    - expect_column_values_to_not_be_null: {column: id, row_condition: 'col(\"a\")>5',"
                + " condition_parser: great_expectations__experimental__}\n");
        assertTrue(msg.contains("condition_parser 'great_expectations__experimental__' is not supported; write row_condition as a SQL condition"), msg);
    }

    @Test
    void customSqlMustBeOneSelect() {
        String msg = error("""
                tables:
                  orders:
                    - expect_query_to_return_no_rows: {query: "DELETE FROM orders"}
                    - expect_query_to_return_no_rows: {query: "SELECT 1; SELECT 2"}
                """);
        assertTrue(msg.contains(":3: custom SQL must be one SELECT"), msg);
        assertTrue(msg.contains(":4: custom SQL contains ';'"), msg);
    }

    @Test
    void syntaxErrorsCarryTheLine() {
        String msg = error("tables:\n  orders:\n    - expect_column_to_exist: {column: id\n");
        assertTrue(msg.startsWith("db/expectations.yaml:"), msg);
        assertTrue(msg.contains("not valid YAML"), msg);
        String json = error("{\"expectations\": [\n {\"expectation_type\": \"x\",, }]}", Path.of("suite.json"));
        assertTrue(json.startsWith("suite.json:2: not valid JSON"), json);
    }

    @Test
    void duplicateKeysAreReported() {
        String msg = error("tables:\n  orders:\n    - expect_column_to_exist: {column: id}\n  orders:\n    - expect_table_to_exist:\n");
        assertTrue(msg.contains(":4: key 'orders' appears twice"), msg);
    }

    @Test
    void gxParameterExpressionsAreEvaluatedWhenTheSuiteLoads() {
        Suite s = load("""
                {
                  "expectation_suite_name": "orders.warning",
                  "expectations": [
                    {"expectation_type": "expect_table_row_count_to_be_between",
                     "kwargs": {"min_value": {"$PARAMETER": "upstream_row_count * 0.9"},
                                "max_value": {"$PARAMETER": "trunc(upstream_row_count * 1.1)"}}},
                    {"expectation_type": "expect_column_max_to_be_between",
                     "kwargs": {"column": "created_at", "min_value": {"$PARAMETER": "now() - timedelta(days=7)"},
                                "max_value": {"$PARAMETER": "now()"}}},
                    {"expectation_type": "expect_column_values_to_be_between",
                     "kwargs": {"column": "created_at", "min_value": {"$PARAMETER": "release - timedelta(weeks=1, hours=2)"}}},
                    {"expectation_type": "expect_column_mean_to_be_between",
                     "kwargs": {"column": "total", "min_value": {"$PARAMETER": " upstream_row_count "}}}
                  ]
                }
                """, Map.of("upstream_row_count", "11", "release", "2025-06-30T08:00:00"));
        Expectation rows = s.expectations().get(0);
        assertEquals(0, new BigDecimal("9.9").compareTo((BigDecimal) rows.arg("min_value")));
        assertEquals(12L, rows.arg("max_value"), "trunc gives an integer, as in GX");
        Expectation recent = s.expectations().get(1);
        assertEquals(ParameterExpression.format(UTC_NOW.minusDays(7)), recent.arg("min_value"));
        assertEquals(ParameterExpression.format(UTC_NOW), recent.arg("max_value"), "UTC, whatever the clock's zone");
        assertEquals(ParameterExpression.format(LocalDateTime.of(2025, 6, 30, 8, 0).minusWeeks(1).minusHours(2)),
                s.expectations().get(2).arg("min_value"));
        assertEquals(11L, s.expectations().get(3).arg("min_value"), "a name with spaces around it is still a name (GX strips it)");
    }

    @Test
    void aTemporaryValueIsUsedOnlyWhenTheParameterHasNone() {
        String suite = """
                {"expectations": [
                  {"expectation_type": "expect_table_row_count_to_equal",
                   "kwargs": {"table": "orders", "value": {"$PARAMETER": "upstream_row_count", "$PARAMETER.upstream_row_count": 10}}},
                  {"expectation_type": "expect_table_row_count_to_be_between",
                   "kwargs": {"table": "orders", "min_value": {"$PARAMETER": "upstream_row_count * 2", "$PARAMETER.upstream_row_count * 2": 8}}}
                ]}
                """;
        Suite temporary = load(suite, Map.of());
        assertEquals(10L, temporary.expectations().get(0).arg("value"));
        assertEquals(8L, temporary.expectations().get(1).arg("min_value"));
        Suite given = load(suite, Map.of("upstream_row_count", "5"));
        assertEquals(5L, given.expectations().get(0).arg("value"));
        assertEquals(10L, given.expectations().get(1).arg("min_value"));
    }

    @Test
    void badExpressionsAreSuiteProblemsWithLineExpressionAndFix() {
        String msg = error("""
                tables:
                  orders:
                    - expect_column_values_to_be_between: {column: created_at, min_value: {$PARAMETER: "now() - 7"}}
                    - expect_column_max_to_be_between: {column: created_at, max_value: {$PARAMETER: "floor(now())"}}
                    - expect_table_row_count_to_be_between: {min_value: {$PARAMETER: "upstream_row_count * 0.9"}}
                    - expect_table_row_count_to_be_between:
                        min_value: {$PARAMETER: "urn:great_expectations:validations:src.default:expect_table_row_count_to_equal.result.observed_value * 0.9"}
                    - expect_table_row_count_to_be_between: {min_value: {$PARAMETER: "a + * 2"}}
                    - expect_table_row_count_to_be_between: {max_value: {$PARAMETER: "a", "$PARAMETER.b": 3}}
                    - expect_table_row_count_to_be_between: {max_value: {$PARAMETER: 5}}
                """, Map.of("a", "1"));
        assertTrue(msg.contains(":3: $PARAMETER 'now() - 7': cannot subtract a number from a date: a date moves by a timedelta,"
                + " e.g. now() - timedelta(days=7)"), msg);
        assertTrue(msg.contains(":4: $PARAMETER 'floor(now())': unknown function 'floor' at column 1"), msg);
        assertTrue(msg.contains(":5: suite parameter $upstream_row_count in 'upstream_row_count * 0.9' has no value;"
                + " set validate.parameters.upstream_row_count in dbpromote.yaml or pass --param upstream_row_count=VALUE (known: [a])"), msg);
        assertTrue(msg.contains(":7: $PARAMETER in 'urn:great_expectations:validations:src.default:expect_table_row_count_to_equal"
                + ".result.observed_value * 0.9' refers to the stored GX metric"), msg);
        assertTrue(msg.contains("which dbpromote cannot read (it has no GX metric store); replace the URN with a parameter name,"
                + " e.g. upstream_row_count, and pass its value with --param upstream_row_count=VALUE"), msg);
        assertTrue(msg.contains(":8: $PARAMETER 'a + * 2': expected a number, a parameter name or '(' at column 5, found '*'"), msg);
        assertTrue(msg.contains(":9: '$PARAMETER.b' does not name this $PARAMETER's text, so GX would never use it;"
                + " its temporary value goes under '$PARAMETER.a'"), msg);
        assertTrue(msg.contains(":10: '$PARAMETER' must be a parameter name or an expression"), msg);
        assertTrue(msg.contains("has 7 problems"), msg + "\n(an unresolved bound is not also reported as missing)");
    }

    @Test
    void aDateBoundWhereANumberIsComparedIsASuiteProblem() {
        String msg = error("""
                tables:
                  orders:
                    - expect_table_row_count_to_be_between: {min_value: {$PARAMETER: "now() - timedelta(days=1)"}}
                    - expect_column_mean_to_be_between: {column: total, max_value: $LIMIT}
                    - expect_column_value_lengths_to_be_between: {column: note, max_value: {$PARAMETER: "LIMIT * 2"}}
                """, Map.of("LIMIT", "1e3"));
        assertTrue(msg.contains(":3: 'min_value' of expect_table_row_count_to_be_between must be a number, got '"
                + ParameterExpression.format(UTC_NOW.minusDays(1)) + "'"), msg);
        assertTrue(msg.contains("has a problem"), msg + "\n('1e3' and its double are numbers)");
    }
}
