package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuiteLoaderTest {

    private static final Path FILE = Path.of("db/expectations.yaml");

    private static Suite load(String text, Map<String, String> params) {
        return new SuiteLoader(params).parse(text, FILE);
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
}
