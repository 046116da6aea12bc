package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GX's evaluation-parameter expressions; examples from GX's own tests/core/test_evaluation_parameters.py first. */
class ParameterExpressionTest {

    /** A fixed now(), with sub-second digits so truncation or formatting mistakes show. */
    private static final LocalDateTime NOW = LocalDateTime.of(2025, 7, 1, 12, 30, 15, 250_000_000);
    private static final DateTimeFormatter SQL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String URN = "urn:great_expectations:validations:source_patient_data.default"
            + ":expect_table_row_count_to_equal.result.observed_value";

    private static Object eval(String expression, Map<String, String> parameters) throws ParameterExpression.Invalid {
        return ParameterExpression.parse(expression).evaluate(parameters::get, NOW);
    }

    private static Object eval(String expression) throws ParameterExpression.Invalid {
        return eval(expression, Map.of());
    }

    private static String invalid(String expression, Map<String, String> parameters) {
        return assertThrows(ParameterExpression.Invalid.class, () -> eval(expression, parameters), expression).getMessage();
    }

    private static String invalid(String expression) {
        return invalid(expression, Map.of());
    }

    /** GX's float results: a BigDecimal with the same value (scale aside). */
    private static void assertDecimal(String expected, Object actual) {
        BigDecimal d = assertInstanceOf(BigDecimal.class, actual);
        assertEquals(0, new BigDecimal(expected).compareTo(d), () -> "expected " + expected + ", got " + d);
        assertTrue(d.scale() >= 1, () -> d + " should read as a decimal, like GX's float");
    }

    private static String sql(LocalDateTime d) {
        return ParameterExpression.format(d);
    }

    @Test
    void gxOwnExamples() throws Exception {
        assertEquals(2L, eval("1 + 1"));
        assertEquals(3L, eval("a + 1", Map.of("a", "2")));
        assertDecimal("9", eval(URN + " * 0.9", Map.of(URN, "10")));
        assertDecimal("9", eval(URN + " * .9", Map.of(URN, "10")));
        assertDecimal("9.9", eval(URN + " * 0.9", Map.of(URN, "11")));
        assertEquals(9L, eval("trunc(" + URN + " * 0.9)", Map.of(URN, "11")));
        assertEquals(6L, eval("foo * bar", Map.of("foo", "2", "bar", "3")));
        assertTrue(invalid("1 / a", Map.of("a", "0")).contains("division by zero"));
        assertTrue(invalid("foo + bar", Map.of("foo", "2")).contains("suite parameter bar has no value"));
        assertTrue(invalid("urn:ieee:not_ge * 10").contains("the only URNs GX reads are urn:great_expectations:"));
        assertDecimal(BigDecimal.valueOf(Math.sin(Math.PI * 2)).toString(), eval("sin(2*PI)"));
        assertDecimal(BigDecimal.valueOf(Math.cos(Math.PI * 2)).toString(), eval("cos(2*PI)"));
        assertDecimal(BigDecimal.valueOf(Math.tan(Math.PI * 2)).toString(), eval("tan(2*pi)"));
        assertEquals(sql(NOW.minusWeeks(1).minusSeconds(2)), eval("now() - timedelta(weeks=1, seconds=2)"));
        assertEquals(sql(NOW.minusWeeks(6).minusSeconds(2)), eval("now() - timedelta(weeks=2*3, seconds=2)"));
        // GX's between-expectation test: a datetime parameter minus a timedelta.
        assertEquals(sql(LocalDate.of(2022, 12, 13).minusWeeks(1).atStartOfDay()),
                eval("my_max_date - timedelta(weeks=1)", Map.of("my_max_date", "2022-12-13")));
    }

    @Test
    void integerArithmeticStaysIntegerAndDivisionGivesADecimalAsInGx() throws Exception {
        assertEquals(6L, eval("2 * 3"));
        assertEquals(1024L, eval("2 ^ 10"));
        assertDecimal("2", eval("4 / 2"));
        assertDecimal("3.5", eval("7 / 2"));
        assertDecimal("3", eval("1.5 * 2"));
        assertDecimal("0.5", eval("2 ^ -1"));
        assertDecimal("2.25", eval("1.5 ^ 2"));
        assertDecimal("1000", eval("1e3"));
        assertEquals(1.0 / 3, ((BigDecimal) eval("1 / 3")).doubleValue(), 0.0);
        // Exact decimals, deliberately not binary floats (GX: 0.30000000000000004).
        assertDecimal("0.3", eval("0.1 + 0.2"));
        assertEquals(new BigDecimal("100000000000000000000"), eval("10 ^ 20"), "beyond a long: still an exact integer");
    }

    @Test
    void functionsFollowPython() throws Exception {
        assertEquals(-2L, eval("trunc(-2.7)"));
        assertEquals(2L, eval("round(2.5)"), "half to even");
        assertEquals(4L, eval("round(3.5)"));
        assertDecimal("2.68", eval("round(2.675, 2)"));
        assertEquals(1200L, eval("round(1234, -2)"), "an int stays an int");
        assertEquals(3L, eval("abs(-3)"));
        assertDecimal("3.5", eval("abs(-3.5)"));
        assertEquals(-1L, eval("sgn(-0.5)"));
        assertEquals(0L, eval("sgn(1e-13)"), "GX's epsilon");
        assertEquals(1L, eval("sgn(a)", Map.of("a", "7")));
        assertDecimal("1", eval("exp(0)"));
        assertDecimal(BigDecimal.valueOf(Math.E).toString(), eval("E"));
        assertEquals(5L, eval("round(number=4.6)"), "Python's keyword names");
    }

    @Test
    void precedenceIsGxs() throws Exception {
        assertEquals(7L, eval("1 + 2 * 3"));
        assertEquals(9L, eval("(1 + 2) * 3"));
        assertEquals(3L, eval("10 - 4 - 3"), "left-associative");
        assertDecimal("2", eval("16 / 4 / 2"));
        assertEquals(512L, eval("2 ^ 3 ^ 2"), "power is right-associative");
        assertEquals(64L, eval("(2 ^ 3) ^ 2"));
        assertEquals(18L, eval("2 * 3 ^ 2"));
        // In GX's grammar a sign belongs to its operand, so it binds tighter than ^ (Python would say -4).
        assertEquals(4L, eval("-2 ^ 2"));
        assertEquals(9L, eval("-a ^ 2", Map.of("a", "3")));
        assertEquals(-4L, eval("-(2 ^ 2)"));
        assertEquals(-5L, eval("-a", Map.of("a", "5")));
        assertEquals(5L, eval("--a", Map.of("a", "5")));
        assertEquals(-15L, eval("a * -b", Map.of("a", "3", "b", "5")));
        assertDecimal("3.5", eval("(a + b) / 2", Map.of("a", "3", "b", "4")));
        assertEquals(9L, eval("a ^ 2", Map.of("a", "-3")));
    }

    @Test
    void datesMoveByTimedeltasLikePythonDatetimes() throws Exception {
        assertEquals(sql(NOW), eval("now() + timedelta()"));
        assertTrue(sql(NOW).endsWith(".250000"), "microseconds are kept");
        assertEquals(sql(NOW.plusDays(1)), eval("timedelta(days=1) + now()"));
        assertEquals(sql(NOW.minusDays(1).minusSeconds(30)), eval("now() - timedelta(1, 30)"), "Python's positional order");
        assertEquals(sql(NOW.plusMinutes(90)), eval("now() + timedelta(hours=1.5)"));
        assertEquals(sql(NOW.minusDays(6)), eval("now() - 2 * timedelta(days=3)"));
        assertEquals(sql(NOW.minusHours(12)), eval("now() - timedelta(days=1) / 2"));
        assertEquals(sql(NOW.minusDays(3)), eval("now() - timedelta(days=n)", Map.of("n", "3")));
        assertEquals(sql(LocalDateTime.of(2025, 6, 30, 12, 0)), eval("datetime(2025, 6, 30) + timedelta(hours=12)"));
        assertEquals(sql(LocalDateTime.of(2025, 6, 30, 8, 5, 1)), eval("datetime(year=2025, month=6, day=30, hour=8, minute=5, second=1)"));
        assertDecimal("24", eval("(datetime(2025, 7, 2) - datetime(2025, 7, 1)) / timedelta(hours=1)"));
        assertEquals(LocalDate.of(2025, 1, 1).atStartOfDay().format(SQL) + ".000001",
                eval("d + timedelta(microseconds=1)", Map.of("d", "2025-01-01 00:00:00")));
        assertEquals(sql(LocalDateTime.of(2025, 1, 1, 0, 0)), eval("d + timedelta()", Map.of("d", "2025-01-01T02:00:00+02:00")),
                "an offset is converted to UTC, like now()");
        assertEquals(sql(LocalDateTime.of(2025, 1, 1, 10, 0)), eval("d - timedelta(minutes=5)", Map.of("d", "2025-01-01T10:05Z")));
    }

    @Test
    void namesListsParametersAndUrnsOnce() throws Exception {
        String urn = "urn:great_expectations:validations:profile:expect_column_stdev_to_be_between.result.observed_value:column=norm";
        assertEquals(List.of("a", "b", urn), List.copyOf(ParameterExpression.parse("(a * b + " + urn + ") - a * PI + e").names()));
        assertTrue(ParameterExpression.isOperand(" upstream_row_count "));
        assertTrue(ParameterExpression.isOperand(urn));
        assertFalse(ParameterExpression.isOperand("a * 2"));
        assertFalse(ParameterExpression.isOperand("now()"));
    }

    @Test
    void typeMistakesSayWhatToWriteInstead() {
        String m = invalid("now() - 7");
        assertTrue(m.contains("cannot subtract a number from a date"), m);
        assertTrue(m.contains("now() - timedelta(days=7)"), m);
        assertTrue(invalid("7 - now()").contains("cannot subtract a date from a number"));
        assertTrue(invalid("now() + now()").contains("cannot add a date to a date"));
        assertTrue(invalid("now() * 2").contains("cannot multiply a date by a number"));
        assertTrue(invalid("-now()").contains("cannot negate a date"));
        assertTrue(invalid("timedelta(days=7)").contains("the result is a timedelta"));
        assertTrue(invalid("trunc(now())").contains("trunc needs a number, got a date"));
        assertTrue(invalid("timedelta(days=now())").contains("timedelta's days needs a number, got a date"));
        String notNumber = invalid("a * 2", Map.of("a", "abc"));
        assertTrue(notNumber.contains("suite parameter a is 'abc', neither a number nor a date"), notNumber);
        assertTrue(invalid("a * 2", Map.of("a", "true")).contains("neither a number nor a date"));
    }

    @Test
    void syntaxMistakesNameTheColumn() {
        String m = invalid("a + * 2", Map.of("a", "1"));
        assertTrue(m.contains("expected a number, a parameter name or '(' at column 5, found '*'"), m);
        assertTrue(m.contains("GX expressions use"), m);
        assertTrue(invalid("(a + 1").contains("expected ')' to close the '(' at column 1 but the expression ends"));
        assertTrue(invalid("2x").contains("expected an operator (+ - * / ^) at column 2, found 'x'"));
        assertTrue(invalid("a ** 2").contains("GX writes a power as ^"));
        assertTrue(invalid("a % 2").contains("unexpected '%' at column 3"));
        assertTrue(invalid("").contains("but the expression ends"));
    }

    @Test
    void functionMistakesListWhatExists() {
        String m = invalid("floor(a)");
        assertTrue(m.contains("unknown function 'floor' at column 1"), m);
        assertTrue(m.contains("abs, trunc, round, sgn, sin, cos, tan, exp, now, datetime, timedelta"), m);
        assertTrue(invalid("NOW() - timedelta(days=1)").contains("did you mean 'now'?"));
        String day = invalid("timedelta(day=7)");
        assertTrue(day.contains("timedelta has no argument 'day'; did you mean 'days'?"), day);
        assertTrue(invalid("abs(x=1)").contains("abs has no argument 'x'; it takes no keyword arguments"));
        assertTrue(invalid("timedelta(1, hours=2)").contains("mixes positional and keyword arguments"));
        assertTrue(invalid("timedelta(hours=2, 1)").contains("mixes positional and keyword arguments"));
        assertTrue(invalid("timedelta(days=1, days=2)").contains("'days' is given twice"));
        assertTrue(invalid("trunc(1, 2)").contains("trunc takes 1 argument, got 2"));
        assertTrue(invalid("now(1)").contains("now takes 0 arguments, got 1"));
        assertTrue(invalid("datetime(2025, 6)").contains("datetime takes 3 to 7 arguments, got 2"));
        assertTrue(invalid("datetime(month=6, day=1)").contains("datetime needs year, month, day"));
        assertTrue(invalid("datetime(2025, 13, 1)").contains("datetime's month must be a whole number from 1 to 12, got 13"));
        assertTrue(invalid("datetime(2025, 2, 30)").contains("is not a date"));
        assertTrue(invalid("datetime(2025.5, 2, 1)").contains("datetime's year must be a whole number"));
        assertTrue(invalid("round(2.5, 0.5)").contains("round's ndigits must be a whole number"));
    }

    @Test
    void resultsOutOfRangeAreErrorsNotInfinities() throws Exception {
        assertTrue(invalid("2 ^ 100000").contains("too large"));
        assertTrue(invalid("10 ^ 2000").contains("too large"));
        assertTrue(invalid("exp(1000)").contains("exp(1000) is too large"));
        assertTrue(invalid("(-8) ^ 0.5").contains("not a real number"));
        assertTrue(invalid("0 ^ -1").contains("division by zero"));
        assertTrue(invalid("timedelta(days=1) / 0").contains("division by zero"));
        assertTrue(invalid("datetime(9999, 12, 31) + timedelta(days=1)").contains("out of range (years 1 to 9999"));
        assertTrue(invalid("now() + timedelta(weeks=10 ^ 15)").contains("too large"));
        assertTrue(invalid("(".repeat(60) + "1" + ")".repeat(60)).contains("parentheses nest more than 50 deep at column 51"));
        assertTrue(invalid("abs(".repeat(60) + "1" + ")".repeat(60)).contains("parentheses nest more than 50 deep"));
        assertEquals(50L, eval("(".repeat(50) + "50" + ")".repeat(50)));
        assertTrue(invalid("1 +".repeat(700) + " 1").contains("at most 2000 are read"));
    }
}
