package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.Linter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinterTest {

    private static MigrationFile file(String name, String sql) {
        return new MigrationFile("1", "x", name, Path.of(name), MigrationFormat.FLYWAY, SqlSplitter.split(sql), true, 0,
                Map.of());
    }

    private static List<String> rules(String sql) {
        LintReport r = new Linter(List.of()).lint(List.of(file("V1__x.sql", sql)));
        return r.findings().stream().map(LintFinding::rule).toList();
    }

    @Test
    void destructiveChangesAreErrorsWithLine() {
        LintReport r = new Linter(List.of()).lint(List.of(file("V3__cleanup.sql",
                "SELECT 1;\n\nALTER TABLE orders DROP COLUMN legacy;\nDROP TABLE old_orders;\n")));
        LintFinding drop = r.findings().get(0);
        assertEquals("drop-column", drop.rule());
        assertEquals(3, drop.line());
        assertEquals("V3__cleanup.sql", drop.file());
        assertTrue(drop.blocking());
        assertTrue(r.findings().stream().anyMatch(f -> f.rule().equals("drop-table") && f.line() == 4));
    }

    @Test
    void renamesBothWays() {
        assertTrue(rules("ALTER TABLE orders RENAME COLUMN a TO b;").contains("rename-column"));
        assertTrue(rules("ALTER TABLE orders CHANGE COLUMN a b INT;").contains("rename-column"));
        assertTrue(rules("RENAME TABLE a TO b;").contains("rename-table"));
        assertTrue(rules("ALTER TABLE a RENAME TO b;").contains("rename-table"));
    }

    @Test
    void notNullWithoutDefaultOnlyOnExistingTables() {
        assertTrue(rules("ALTER TABLE orders ADD COLUMN note VARCHAR(20) NOT NULL;").contains("not-null-without-default"));
        assertTrue(rules("ALTER TABLE orders ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT '';").isEmpty());
        assertTrue(rules("CREATE TABLE t (id INT PRIMARY KEY);\nALTER TABLE t ADD COLUMN n INT NOT NULL;").isEmpty(),
                "a table created earlier in the same run is new and empty");
    }

    @Test
    void tableCopyAltersAndBlueGreenBreakers() {
        List<String> typeChange = rules("ALTER TABLE orders MODIFY total DECIMAL(12,2);");
        assertTrue(typeChange.contains("table-copy-alter") && typeChange.contains("bluegreen-incompatible"), typeChange.toString());
        assertTrue(rules("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4;").contains("table-copy-alter"));
        assertTrue(rules("ALTER TABLE t ADD INDEX ix (a), ALGORITHM=COPY;").contains("table-copy-alter"));
        assertTrue(rules("ALTER TABLE t ADD COLUMN c INT NULL AFTER a;").contains("bluegreen-incompatible"),
                "row-based replication maps columns by position");
        assertTrue(rules("ALTER TABLE t ADD COLUMN c INT NULL;").isEmpty(), "adding at the end is instant and replication-safe");
    }

    @Test
    void uniqueIndexOnExistingTableAndTablesWithoutPrimaryKey() {
        assertTrue(rules("CREATE UNIQUE INDEX ux ON customers (email);").contains("unique-index-existing-table"));
        assertTrue(rules("ALTER TABLE customers ADD UNIQUE INDEX ux (email);").contains("unique-index-existing-table"));
        assertTrue(rules("CREATE TABLE log (msg TEXT);").contains("no-primary-key"));
    }

    @Test
    void allowNeedsAKnownRuleAndAReason() {
        MigrationFile f = new MigrationFile("1", "x", "V1__x.sql", Path.of("V1__x.sql"), MigrationFormat.FLYWAY,
                SqlSplitter.split("DROP TABLE a;"), true, 0, Map.of("drop-table", "", "drop-tabel", "typo"));
        List<String> rules = new Linter(List.of()).lint(List.of(f)).findings().stream().map(LintFinding::rule).toList();
        assertTrue(rules.containsAll(List.of("allow-without-reason", "unknown-allow-rule", "drop-table")), rules.toString());
    }

    @Test
    void unparsableStatementsStillGetKeywordChecks() {
        List<String> r = rules("ALTER TABLE t DROP FOREIGN KEY fk, DROP COLUMN legacy;");
        assertTrue(r.contains("drop-column"), r.toString());
        assertTrue(rules("DROP TABLE IF EXISTS a, b;").contains("drop-table"));
        assertTrue(rules("DELIMITER //\nCREATE PROCEDURE p() BEGIN DROP TABLE x; END//\n").isEmpty(), "routines are not linted");
    }
}
