package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.function.LongSupplier;

/** How the ordered pass finds k-th values: which form it picks for which column, and that both give the same values. */
class ScanQueryTest {

    @EachServer
    void narrowExactColumnsUseTheirHistogramOthersTheWindowForm(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE k (id INT PRIMARY KEY, i INT, p DECIMAL(6,2), w BIGINT, d DOUBLE, x INT, y INT)",
                "INSERT INTO k (id, i) VALUES (1, 3), (2, 1), (3, 4), (4, 1), (5, 5), (6, NULL)",
                "UPDATE k SET p = i / 4, w = i * 1000000, d = i + 0.5, x = i * 200, y = i * 300");
        try (Connection c = db.connect()) {
            Schema schema = Schema.read(c, db.name());
            Schema.Table t = schema.table("k").orElseThrow();
            ScanQuery q = new ScanQuery(Sql.table(db.name(), "k"), null, schema.server());
            int rows = q.add("COUNT(*)");
            String[] columns = {"i", "p", "w", "d", "x", "y"};
            int[] medians = new int[columns.length];
            LongSupplier[] bounds = new LongSupplier[columns.length];
            for (int j = 0; j < columns.length; j++) {
                String col = Sql.quote(columns[j]);
                int nonNull = q.add("COUNT(" + col + ")");
                bounds[j] = Checks.distinctBound(q, t, columns[j], col);
                medians[j] = q.ordered().kth(col, bounds[j], () -> q.count(rows) - q.count(nonNull), () -> (q.count(nonNull) + 1) / 2);
            }
            q.run(c);
            // i holds 1..5: 5 values; p 0.25..1.25 in hundredths: 101; w 1e6..5e6: 4,000,001; d: not known.
            assertEquals(5, bounds[0].getAsLong());
            assertEquals(101, bounds[1].getAsLong());
            assertEquals(4_000_001, bounds[2].getAsLong());
            assertEquals(Long.MAX_VALUE, bounds[3].getAsLong());
            // The median (lower middle) of 1 1 3 4 5 is 3, in each column's own unit.
            assertEquals(0, new BigDecimal("3").compareTo(new BigDecimal(q.ordered().kthValue(medians[0]).toString())));
            assertEquals(0, new BigDecimal("0.75").compareTo(new BigDecimal(q.ordered().kthValue(medians[1]).toString())));
            assertEquals(0, new BigDecimal("3000000").compareTo(new BigDecimal(q.ordered().kthValue(medians[2]).toString())));
            assertEquals(0, new BigDecimal("3.5").compareTo(new BigDecimal(q.ordered().kthValue(medians[3]).toString())));
            assertEquals(0, new BigDecimal("600").compareTo(new BigDecimal(q.ordered().kthValue(medians[4]).toString())));
            assertEquals(0, new BigDecimal("900").compareTo(new BigDecimal(q.ordered().kthValue(medians[5]).toString())));
            // i and p (5 x 101 possible pairs) share one GROUP BY; x (801 values) would make 404,505 pairs with them, y
            // (1,201) 962,001 with x: each its own.
            String sql = q.ordered().sql();
            assertTrue(sql.contains("GROUP BY `i`, `p` UNION ALL") && sql.contains("GROUP BY `x` UNION ALL")
                    && sql.contains("GROUP BY `y` UNION ALL"), sql);
            assertFalse(sql.contains("GROUP BY `w`") || sql.contains("GROUP BY `d`"), sql);
            assertTrue(sql.contains("ROW_NUMBER() OVER (ORDER BY `w`)") && sql.contains("ROW_NUMBER() OVER (ORDER BY `d`)"), sql);
            assertEquals(2, q.queries(), "the scan and one ordered pass");
            assertTrue(q.ordered().summary().startsWith("k-th values of `i`, `p`, `x`, `y` from 3 GROUP BY (histogram);"
                    + " window functions over `w`, `d`, "), q.ordered().summary());
        }
    }

    @EachServer
    void aScannedDistinctCountLetsAnyNumberColumnUseItsHistogram(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE k (id INT PRIMARY KEY, d DOUBLE, s VARCHAR(5))",
                "INSERT INTO k VALUES (1, 0.5, 'a'), (2, 2.5, 'B'), (3, 2.5, 'b'), (4, NULL, NULL)");
        try (Connection c = db.connect()) {
            Schema schema = Schema.read(c, db.name());
            Schema.Table t = schema.table("k").orElseThrow();
            ScanQuery q = new ScanQuery(Sql.table(db.name(), "k"), null, schema.server());
            q.add("COUNT(DISTINCT `d`)");
            q.add("COUNT(DISTINCT `s`)");
            LongSupplier d = Checks.distinctBound(q, t, "d", "`d`");
            LongSupplier s = Checks.distinctBound(q, t, "s", "`s`");
            q.run(c);
            assertEquals(2, d.getAsLong());
            // Text never: a GROUP BY under a case-insensitive collation would merge 'B' and 'b', which a sort keeps apart.
            assertEquals(Long.MAX_VALUE, s.getAsLong());
        }
    }
}
