package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL that differs between MariaDB and MySQL 8 (the MySQL side has no server in the tests). */
class ServerDialectTest {

    static final Schema.Server MARIADB = new Schema.Server(true, "11.4.5-MariaDB");
    static final Schema.Server MYSQL = new Schema.Server(false, "8.0.40");

    @Test
    void regexesAreCaseSensitiveOnBothServers() {
        Checks.Fragment maria = Checks.regex(MARIADB, "`c`", "^a+$");
        assertEquals("`c` REGEXP ?", maria.sql());
        assertEquals(List.of("(?-i)^a+$"), maria.binds(), "PCRE flag: MariaDB follows the _ci collation otherwise");
        Checks.Fragment mysql = Checks.regex(MYSQL, "`c`", "^a+$");
        assertEquals("REGEXP_LIKE(`c`, ?, 'c')", mysql.sql());
        assertEquals(List.of("^a+$"), mysql.binds());
    }

    @Test
    void typesIgnoreIntegerDisplayWidthsAndKnowMariaDbJson() {
        Schema.Column mariaInt = new Schema.Column("n", "int", "int(11)", true, false);
        Schema.Column mysqlInt = new Schema.Column("n", "int", "int", true, false);
        for (Schema.Column c : List.of(mariaInt, mysqlInt)) {
            assertTrue(Types.matches(c, "INTEGER"));
            assertTrue(Types.matches(c, "int(11)"), "a GX suite written on MariaDB still passes on MySQL 8");
            assertFalse(Types.matches(c, "BIGINT"));
        }
        assertTrue(Types.matches(new Schema.Column("d", "longtext", "longtext", true, true), "JSON"), "MariaDB JSON alias");
        assertTrue(Types.matches(new Schema.Column("d", "json", "json", true, false), "json"), "MySQL 8 JSON");
        assertFalse(Types.matches(new Schema.Column("d", "longtext", "longtext", true, false), "JSON"));
        assertTrue(Types.matches(new Schema.Column("b", "tinyint", "tinyint(1)", true, false), "BOOLEAN"));
        assertTrue(Types.matches(new Schema.Column("p", "decimal", "decimal(10,2)", true, false), "DECIMAL(10,2)"));
        assertFalse(Types.matches(new Schema.Column("p", "decimal", "decimal(10,2)", true, false), "DECIMAL(12,2)"));
    }

    @Test
    void scanIsOneSelectWithEveryValueBound() {
        ScanQuery q = new ScanQuery("`db`.`t`", "status = 'x'", MYSQL);
        int a = q.add("COUNT(CASE WHEN `c` > ? THEN 1 END)", List.of(5L));
        int b = q.add("COUNT(CASE WHEN `c` > ? THEN 1 END)", List.of(5L));
        int c = q.add("COUNT(CASE WHEN `c` > ? THEN 1 END)", List.of(6L));
        assertEquals(a, b, "identical aggregates are computed once");
        assertTrue(c != a);
        assertEquals("SELECT COUNT(*) AS a0, COUNT(CASE WHEN `c` > ? THEN 1 END) AS a1, COUNT(CASE WHEN `c` > ? THEN 1 END) AS a2"
                + " FROM `db`.`t` WHERE (status = 'x')", q.sql());
    }

    @Test
    void deferredAggregatesStayOutOfTheScanUnlessAlsoNeededThere() {
        ScanQuery q = new ScanQuery("`db`.`t`", null, MARIADB);
        int later = q.addDeferred("COUNT(`a`)");
        int other = q.addDeferred("COUNT(`b`)");
        q.add("COUNT(CASE WHEN `a` > ? THEN 1 END)", List.of(1L));
        assertEquals("SELECT COUNT(*) AS a0, COUNT(CASE WHEN `a` > ? THEN 1 END) AS a3 FROM `db`.`t`", q.sql());
        assertEquals("SELECT COUNT(`a`) AS a1, COUNT(`b`) AS a2 FROM `db`.`t`", q.deferredSql());
        assertTrue(q.isDeferred(later));
        assertEquals(later, q.add("COUNT(`a`)"), "the same expression, needed in the scan by another expectation");
        assertFalse(q.isDeferred(later));
        assertTrue(q.isDeferred(other));
        assertEquals("SELECT COUNT(`b`) AS a2 FROM `db`.`t`", q.deferredSql());
    }

    @Test
    void aMySqlScanWithoutConditionHasAnAggregateThatIsNotACount() {
        ScanQuery mysql = new ScanQuery("`db`.`t`", null, MYSQL);
        mysql.add("COUNT(`n`)");
        assertEquals("SELECT COUNT(*) AS a0, COUNT(`n`) AS a1, MIN(1) AS dbp_scan FROM `db`.`t`", mysql.sql(),
                "MySQL 8.0.15 would answer COUNT(`n`) from the row count (ExpectationsTest shows it on the real server)");
        ScanQuery maria = new ScanQuery("`db`.`t`", null, MARIADB);
        maria.add("COUNT(`n`)");
        assertEquals("SELECT COUNT(*) AS a0, COUNT(`n`) AS a1 FROM `db`.`t`", maria.sql());
    }

    @Test
    void expressionsOverTheAggregatesAreComputedOnceOverTheScansRow() {
        ScanQuery q = new ScanQuery("`db`.`t`", null, MARIADB);
        int newest = q.add("MAX(`at`)");
        q.addDeferred("COUNT(`b`)");
        q.addAfter("TIMESTAMPDIFF(SECOND, " + ScanQuery.ref(newest) + ", NOW())");
        assertEquals("SELECT dbp_scan.a0, dbp_scan.a1, TIMESTAMPDIFF(SECOND, dbp_scan.a1, NOW()) AS a3"
                + " FROM (SELECT COUNT(*) AS a0, MAX(`at`) AS a1 FROM `db`.`t`) AS dbp_scan", q.sql(), "one MAX per row, not two");
        assertEquals("SELECT COUNT(`b`) AS a2 FROM `db`.`t`", q.deferredSql());
    }
}
