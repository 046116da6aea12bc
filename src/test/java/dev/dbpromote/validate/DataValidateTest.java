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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

class DataValidateTest {

    @TempDir
    Path dir;

    private ValidationResult run(TestDatabase db, Path suite, Strategy strategy, Map<String, String> params) {
        return new DataValidate(Progress.silent()).run(new ValidateRequest(db.root(), null, suite, params, Set.of(),
                dir.resolve(".dbpromote"), "dev-pr-1", strategy, 5, false, 0));
    }

    private static Map<String, ExpectationResult> byKey(ValidationResult r) {
        return r.results().stream().collect(Collectors.toMap(ExpectationResult::id, x -> x));
    }

    @EachServer
    void sampleSuiteFailsExactlyOnTheRefundedOrderAndFetchesItsRow(TestDatabase db, TestServer server) {
        OrdersFixture.create(db);
        ValidationResult r = run(db, OrdersFixture.sampleSuite(dir), Strategy.SINGLE_SCAN, Map.of("MAX_ORDER_TOTAL", "1000"));

        List<ExpectationResult> failed = r.results().stream().filter(x -> !x.success()).toList();
        assertEquals(1, failed.size(), () -> "failed: " + failed);
        ExpectationResult f = failed.get(0);
        assertEquals("expect_column_values_to_be_in_set", f.type());
        assertEquals(1L, f.unexpectedCount());
        assertEquals(4L, f.elementCount());
        assertEquals(25.0, f.unexpectedPercent(), 1e-9);
        assertEquals(List.of("id", "status"), f.sampleColumns());
        assertEquals(List.of(List.of(13, "refunded")), f.samples());
        assertTrue(f.line() > 0, "line of the expectation in the suite");
        assertFalse(r.success());
        assertTrue(r.failsRun());
        assertEquals(20, r.statistics().evaluatedExpectations());
        assertTrue(r.server().startsWith(server.mariaDb() ? "MariaDB " : "MySQL 8."), r.server());
        // One scan per (table, row_condition): customers 1, orders 2 (one with row_condition), order_items 1; plus
        // 2 anti-joins, 1 custom query and 1 sample fetch.
        assertEquals(8, r.queries(), "queries");
        ExpectationResult idUnique = r.results().stream().filter(x -> x.id().equals("customers.2.expect_column_values_to_be_unique"))
                .findFirst().orElseThrow();
        assertEquals("guaranteed by unique index PRIMARY on [id]", idUnique.message(), "no DISTINCT for what the schema guarantees");
    }

    @EachServer
    void theDemoCallValidatesAndComparesWithDefaults(TestDatabase source, TestDatabase clone) {
        OrdersFixture.create(source);
        OrdersFixture.create(clone);
        clone.execute("ALTER TABLE orders ADD COLUMN channel VARCHAR(10)");
        ValidationResult r = DataValidate.run(clone.root(), source.root(), OrdersFixture.sampleSuite(dir), Set.of("orders"),
                dir.resolve(".dbpromote"), "dev-pr-42");
        assertTrue(r.failsRun(), "the refunded order");
        assertEquals(1, r.statistics().unsuccessfulExpectations());
        assertTrue(r.comparison().success(), "orders changed, but the migration touched it");
        assertEquals("changed", r.comparison().tables().stream().filter(d -> d.table().equals("orders")).findFirst().orElseThrow().status());
        assertTrue(Files.exists(dir.resolve(".dbpromote/html/validate-dev-pr-42.html")));
    }

    @EachServer
    void perExpectationStrategyGivesTheSameResultsWithMoreQueries(TestDatabase db) {
        OrdersFixture.create(db);
        Path suite = OrdersFixture.sampleSuite(dir);
        ValidationResult single = run(db, suite, Strategy.SINGLE_SCAN, Map.of("MAX_ORDER_TOTAL", "1000"));
        ValidationResult per = run(db, suite, Strategy.PER_EXPECTATION, Map.of("MAX_ORDER_TOTAL", "1000"));
        Map<String, ExpectationResult> a = byKey(single);
        Map<String, ExpectationResult> b = byKey(per);
        assertEquals(a.keySet(), b.keySet());
        for (String id : a.keySet()) {
            assertEquals(a.get(id).success(), b.get(id).success(), id);
            assertEquals(a.get(id).unexpectedCount(), b.get(id).unexpectedCount(), id);
            assertEquals(a.get(id).observedValue(), b.get(id).observedValue(), id);
        }
        assertTrue(per.queries() > single.queries() + 8, per.queries() + " vs " + single.queries());
    }

    @EachServer
    void writesJsonJunitAndScriptFreeHtml(TestDatabase db) throws Exception {
        OrdersFixture.create(db);
        ValidationResult r = run(db, OrdersFixture.sampleSuite(dir), Strategy.SINGLE_SCAN, Map.of("MAX_ORDER_TOTAL", "1000"));
        Path state = dir.resolve(".dbpromote");
        assertEquals(state.resolve("reports/validate-dev-pr-1.json").toAbsolutePath(), r.reports().json());
        String json = Files.readString(r.reports().json());
        assertTrue(json.contains("\"unexpected_count\" : 1"), json);
        assertTrue(json.contains("\"partial_unexpected_list\""));
        assertTrue(json.contains("\"evaluated_expectations\" : 20"));

        String xml = Files.readString(r.reports().junit());
        assertTrue(xml.contains("<testsuite name=\"orders\" tests=\"9\" failures=\"1\""), xml);
        assertTrue(xml.contains("name=\"expect_column_values_to_be_in_set(status)\""), xml);
        assertTrue(xml.contains("<failure message=\"1 of 4 values not in [new, paid, shipped, cancelled]"), xml);
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(r.reports().junit().toFile());
        assertEquals(3, doc.getElementsByTagName("testsuite").getLength(), "one per table");
        assertEquals(20, doc.getElementsByTagName("testcase").getLength());

        String html = Files.readString(r.reports().html());
        assertFalse(html.toLowerCase().contains("<script"), "no scripts");
        assertFalse(html.contains("style=\""), "no inline styles (Jenkins CSP)");
        assertTrue(html.contains("<strong>FAILED</strong>"));
        assertTrue(html.indexOf("Table <code>orders</code>") < html.indexOf("Table <code>customers</code>"), "failed table first");
        assertTrue(html.contains("<td>refunded</td>"));
        assertTrue(Files.exists(r.reports().html().resolveSibling("validate.css")));
    }

    @EachServer
    void warnOnlyExpectationsAreReportedButDoNotFail(TestDatabase db) throws Exception {
        OrdersFixture.create(db);
        Path suite = dir.resolve("s.yaml");
        Files.writeString(suite, """
                tables:
                  orders:
                    warn_only: true
                    expectations:
                      - expect_column_values_to_be_in_set: {column: status, value_set: [new, paid, shipped]}
                  customers:
                    - expect_column_values_to_be_unique: {column: email}
                """);
        ValidationResult r = run(db, suite, Strategy.SINGLE_SCAN, Map.of());
        assertTrue(r.success());
        assertEquals(1, r.statistics().warnings());
        String xml = Files.readString(r.reports().junit());
        assertTrue(xml.contains("<skipped message=\"warn-only: 1 of 4 values"), xml);
    }

    @EachServer
    void missingCountsComeFromTheScanAndOnlyFailuresFetchRows(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(8), b INT, c VARCHAR(8))",
                "INSERT INTO t VALUES (1, 'x', 1, 'p'), (2, 'y', 2, 'q'), (3, NULL, 3, NULL), (4, 'x', NULL, 'r'), (5, 'zz', 50, 'ss')");
        Path suite = dir.resolve("deferred.yaml");
        Files.writeString(suite, """
                suite: deferred
                tables:
                  t:
                    - expect_column_values_to_be_in_set: {column: a, value_set: [x, y, zz]}
                    - expect_column_values_to_be_between: {column: b, min_value: 0, max_value: 10}
                    - expect_column_value_lengths_to_be_between: {column: c, max_value: 1, mostly: 0.5}
                """);
        ValidationResult r = run(db, suite, Strategy.SINGLE_SCAN, Map.of());
        Map<String, ExpectationResult> by = byKey(r);
        ExpectationResult inSet = by.get("t.0.expect_column_values_to_be_in_set");
        assertTrue(inSet.success());
        assertEquals(0L, inSet.unexpectedCount());
        assertEquals(1L, inSet.missingCount(), "GX reports missing_count for a passing expectation too");
        ExpectationResult between = by.get("t.1.expect_column_values_to_be_between");
        assertFalse(between.success());
        assertEquals(1L, between.unexpectedCount());
        assertEquals(25.0, between.unexpectedPercent(), 1e-9, "1 of the 4 non-null values, as GX computes it");
        assertEquals(1L, between.missingCount());
        ExpectationResult lengths = by.get("t.2.expect_column_value_lengths_to_be_between");
        assertTrue(lengths.success(), "mostly: 1 of 4 non-null values too long");
        assertEquals(25.0, lengths.unexpectedPercent(), 1e-9);
        // The scan (with the non-null counts), and the failed range check's sample rows.
        assertEquals(2, r.queries());

        Files.writeString(suite, Files.readString(suite).replace("max_value: 10}", "max_value: 100}"));
        assertEquals(1, run(db, suite, Strategy.SINGLE_SCAN, Map.of()).queries(), "all pass: one scan");
    }

    @EachServer
    void nowMinusTimedeltaBoundsADatetimeColumnFromTheSuiteClock(TestDatabase db) throws Exception {
        OrdersFixture.create(db); // orders.created_at: 06-25, 06-26, 06-28 and 06-29, each at 12:00
        Path suite = dir.resolve("recent.json");
        Files.writeString(suite, """
                {"expectation_suite_name": "orders.recent", "expectations": [
                  {"expectation_type": "expect_column_values_to_be_between",
                   "kwargs": {"column": "created_at", "min_value": {"$PARAMETER": "now() - timedelta(days=DAYS)"}}},
                  {"expectation_type": "expect_column_min_to_be_between",
                   "kwargs": {"column": "created_at", "min_value": {"$PARAMETER": "now() - timedelta(days=DAYS)"},
                              "max_value": {"$PARAMETER": "now()"}}}
                ]}
                """);
        DataValidate validate = new DataValidate(Progress.silent(), Clock.fixed(Instant.parse("2025-07-01T12:00:00Z"), ZoneOffset.UTC));

        // From 06-24 12:00: every order is recent enough.
        ValidationResult week = validate.run(new ValidateRequest(db.root(), null, suite, Map.of("DAYS", "7"), Set.of(), null,
                "dev-pr-1", Strategy.SINGLE_SCAN, 5, false, 0));
        assertTrue(week.success(), () -> "failed: " + week.results());

        // From 06-26 12:00: order 10 (06-25) is too old; order 11, exactly at the bound, passes (min is inclusive).
        ValidationResult days = validate.run(new ValidateRequest(db.root(), null, suite, Map.of("DAYS", "5"), Set.of(), null,
                "dev-pr-1", Strategy.SINGLE_SCAN, 5, false, 0));
        Map<String, ExpectationResult> r = byKey(days);
        ExpectationResult values = r.get("orders.0.expect_column_values_to_be_between");
        assertFalse(values.success());
        assertEquals(1L, values.unexpectedCount());
        assertEquals(10, values.samples().get(0).get(0), "the failing row is order 10");
        assertTrue(values.message().contains("2025-06-26 12:00:00"), values.message());
        assertFalse(r.get("orders.1.expect_column_min_to_be_between").success(), "the oldest order is before the bound");
        assertTrue(days.failsRun());
    }

    @EachServer
    void aDateBoundOnANumericColumnStopsBeforeAnyQuery(TestDatabase db) throws Exception {
        OrdersFixture.create(db);
        Path suite = dir.resolve("dates.yaml");
        Files.writeString(suite, """
                tables:
                  orders:
                    - expect_column_max_to_be_between: {column: total, max_value: {$PARAMETER: "now()"}}
                    - expect_column_max_to_be_between: {column: created_at, max_value: {$PARAMETER: "now()"}}
                """);
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> run(db, suite, Strategy.SINGLE_SCAN, Map.of()));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains(":3: expect_column_max_to_be_between: column 'total' is numeric, so 'max_value' must be"
                + " a number, got '"), e.getMessage());
        assertTrue(e.getMessage().contains("(a problem; nothing was run)"), "the DATETIME column may take a date: " + e.getMessage());
    }
}
