package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Progress;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

class SourceComparisonTest {

    /** 1..20000 on both servers (MariaDB's seq_1_to_N engine does not exist on MySQL; its CTEs stop at 1000 levels). */
    private static final String SEQ_1_TO_20000;

    static {
        String digit = "SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
                + " UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9";
        SEQ_1_TO_20000 = "SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS seq FROM (" + digit + ") a, (" + digit
                + ") b, (" + digit + ") c, (" + digit + ") e, (" + digit + ") f WHERE a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d < 20000";
    }

    private static void big(TestDatabase db) {
        db.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, kind VARCHAR(10), amount DECIMAL(10,2), note VARCHAR(20))",
                "INSERT INTO events SELECT seq, ELT(1 + seq % 3, 'a', 'b', 'c'), seq / 7, IF(seq % 5 = 0, NULL, 'n')"
                        + " FROM (" + SEQ_1_TO_20000 + ") AS s");
    }

    private static Map<String, SourceComparison.TableDiff> compare(TestDatabase source, TestDatabase clone, Set<String> touched) throws Exception {
        try (Connection s = Jdbc.open(source.root()); Connection t = Jdbc.open(clone.root())) {
            SourceComparison.Result r = new SourceComparison(s, source.name(), t, clone.name(), touched, 5, 1000, Progress.silent())
                    .compare("source");
            return r.tables().stream().collect(Collectors.toMap(SourceComparison.TableDiff::table, d -> d));
        }
    }

    @EachServer
    void identicalCopiesMatchAndDifferencesAreNarrowedToKeys(TestDatabase source, TestDatabase clone) throws Exception {
        for (TestDatabase db : List.of(source, clone)) {
            OrdersFixture.create(db);
            big(db);
        }
        Map<String, SourceComparison.TableDiff> same = compare(source, clone, Set.of());
        assertTrue(same.values().stream().allMatch(d -> d.status().equals("match")), same.toString());
        assertEquals(20000L, same.get("events").targetRows());

        clone.execute("UPDATE events SET note = 'changed' WHERE id = 13777",
                "UPDATE events SET note = NULL WHERE id = 4001", // 'n' -> NULL must differ from '' / 'n'
                "DELETE FROM events WHERE id = 19999",
                "INSERT INTO events VALUES (25000, 'z', 1, NULL)",
                "DELETE FROM customers WHERE id = 3",
                "UPDATE order_items SET quantity = 9 WHERE order_id = 12",
                "UPDATE orders SET status = 'paid' WHERE id = 13");
        Map<String, SourceComparison.TableDiff> d = compare(source, clone, Set.of("orders"));

        SourceComparison.TableDiff events = d.get("events");
        assertEquals("differs", events.status());
        assertTrue(events.failsRun());
        assertEquals(20000L, events.sourceRows());
        assertEquals(20000L, events.targetRows());
        assertEquals(Set.of("[4001]=changed", "[13777]=changed", "[19999]=missing-in-clone", "[25000]=extra-in-clone"),
                events.sampleKeys().stream().map(k -> k.key() + "=" + k.kind()).collect(Collectors.toSet()));
        assertTrue(events.differingRanges().stream().allMatch(r -> {
            String[] p = r.split("\\.\\.");
            return Long.parseLong(p[1]) - Long.parseLong(p[0]) < 512;
        }), "bisected down to small ranges: " + events.differingRanges());

        assertEquals("differs", d.get("customers").status());
        assertEquals(List.of(List.of(3)), d.get("customers").sampleKeys().stream().map(SourceComparison.KeyDiff::key).toList());
        assertEquals("differs", d.get("order_items").status(), "composite key: whole-table fingerprint");
        assertEquals("[12, 1]=changed", d.get("order_items").sampleKeys().stream().map(k -> k.key() + "=" + k.kind()).findFirst().orElseThrow());

        SourceComparison.TableDiff orders = d.get("orders");
        assertEquals("changed", orders.status(), "touched by a migration: reported, not failed");
        assertFalse(orders.failsRun());
        assertEquals(List.of(List.of(13)), orders.sampleKeys().stream().map(SourceComparison.KeyDiff::key).toList());
    }

    @EachServer
    void fingerprintsCoverEveryColumnTypeAndCharacterSet(TestDatabase source, TestDatabase clone) throws Exception {
        for (TestDatabase db : List.of(source, clone)) {
            db.execute("CREATE TABLE mixed (id INT PRIMARY KEY, latin VARCHAR(10) CHARACTER SET latin1, u VARCHAR(10) CHARACTER SET utf8mb4,"
                            + " raw VARBINARY(8), doc JSON, kind ENUM('a', 'b'), tags SET('x', 'y'), bits BIT(3), f FLOAT, d DOUBLE,"
                            + " t TIME, y YEAR, blobby BLOB)",
                    "INSERT INTO mixed VALUES (1, 'caf\u00e9', '\u00e9t\u00e9', x'00ff', '{\"b\": 1, \"a\": [1, 2]}', 'a', 'x,y', b'101',"
                            + " 1.5, 2.25, '10:11:12', 2025, x'0102'),"
                            + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        assertEquals("match", compare(source, clone, Set.of()).get("mixed").status());
        clone.execute("UPDATE mixed SET doc = JSON_SET(doc, '$.b', 2) WHERE id = 1");
        SourceComparison.TableDiff json = compare(source, clone, Set.of()).get("mixed");
        assertEquals("differs", json.status());
        assertEquals("[1]=changed", json.sampleKeys().stream().map(k -> k.key() + "=" + k.kind()).findFirst().orElseThrow());
        clone.execute("UPDATE mixed SET doc = JSON_SET(doc, '$.b', 1) WHERE id = 1", "UPDATE mixed SET bits = b'100' WHERE id = 1");
        assertEquals("differs", compare(source, clone, Set.of()).get("mixed").status(), "a BIT change is seen");
    }

    @EachServer
    void columnsAddedByAMigrationFailOnlyWhenTheTableWasNotTouched(TestDatabase source, TestDatabase clone) throws Exception {
        OrdersFixture.create(source);
        OrdersFixture.create(clone);
        clone.execute("ALTER TABLE orders ADD COLUMN channel VARCHAR(10) DEFAULT 'web'", "CREATE TABLE audit (id INT PRIMARY KEY)",
                "CREATE VIEW paid_orders AS SELECT id FROM orders WHERE status = 'paid'",
                "ALTER TABLE customers ADD COLUMN vip INT");
        Map<String, SourceComparison.TableDiff> d = compare(source, clone, Set.of("orders", "audit"));
        assertEquals("changed", d.get("orders").status());
        assertTrue(d.get("orders").message().contains("columns only in the clone: [channel]"), d.get("orders").message());
        assertEquals("changed", d.get("audit").status());
        assertEquals("differs", d.get("customers").status());
        assertTrue(d.get("customers").failsRun());
        assertEquals("match", d.get("order_items").status());
        assertFalse(d.containsKey("paid_orders"), "views are not compared");
        assertTrue(d.get("orders").message().startsWith("rows match on the common columns (4)"), d.get("orders").message());
    }

    @EachServer
    void validationWithCompareFailsTheRunAndReportsTheComparison(TestDatabase source, TestDatabase clone, @TempDir Path dir) throws Exception {
        OrdersFixture.create(source);
        OrdersFixture.create(clone);
        clone.execute("DELETE FROM order_items WHERE order_id = 13");
        Path suite = dir.resolve("s.yaml");
        Files.writeString(suite, """
                tables:
                  orders:
                    - expect_table_row_count_to_equal_source:
                  order_items:
                    - expect_table_row_count_to_equal_source:
                """);
        ValidationResult r = DataValidate.run(clone.root(), source.root(), suite, Set.of(), dir.resolve(".dbpromote"), "dev-pr-7");
        assertEquals(List.of(true, false), r.results().stream().map(ExpectationResult::success).toList());
        assertEquals("row count 3 differs from the source's 4", r.results().get(1).message());
        assertFalse(r.comparison().success());
        String xml = Files.readString(r.reports().junit());
        assertTrue(xml.contains("<testsuite name=\"compare with source\" tests=\"3\" failures=\"1\""), xml);
        String html = Files.readString(r.reports().html());
        assertTrue(html.contains("Compared with the source"), html);
        assertTrue(html.contains("missing-in-clone"), html);
    }
}
