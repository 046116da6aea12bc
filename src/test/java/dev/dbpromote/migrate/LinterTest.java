package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    private static LintReport lintFiles(String... namesAndSql) {
        List<MigrationFile> files = new java.util.ArrayList<>();
        for (int i = 0; i < namesAndSql.length; i += 2) {
            files.add(file(namesAndSql[i], namesAndSql[i + 1]));
        }
        return new Linter(List.of()).lint(files);
    }

    private static List<String> found(LintReport r) {
        return r.findings().stream().map(f -> f.label() + " " + f.rule()).toList();
    }

    @Test
    void tablesCreatedByEarlierFilesMayHoldDataByNowSoLintWithoutADatabaseFlagsChangesToThem() {
        // Before: V2's changes to a table V1 created counted as changes to a new table, and were not flagged.
        LintReport r = lintFiles("V1__a.sql", "CREATE TABLE t (id INT PRIMARY KEY, price DECIMAL(10,2) NULL, code VARCHAR(255));",
                "V2__b.sql", "ALTER TABLE t ADD COLUMN n INT NOT NULL;\nALTER TABLE t MODIFY price DECIMAL(12,2) NULL;\n"
                        + "ALTER TABLE t MODIFY code VARCHAR(16);\nCREATE UNIQUE INDEX ux ON t (code);");
        List<String> f = found(r);
        assertTrue(f.containsAll(List.of("error not-null-without-default", "warning table-copy-alter", "error narrowing-type",
                "warning unique-index-existing-table")), f.toString());
        assertTrue(r.findings().stream().anyMatch(x -> x.message().contains("from DECIMAL(10,2) to DECIMAL(12,2)")), f.toString());
    }

    @Test
    void aTableCreatedEarlierInTheSameFileIsNewEvenWhenTheParserCannotReadItsCreate() {
        // JSqlParser 5.3 cannot parse this CREATE (KEY without a name after columns with COLLATE); the table is new anyway.
        LintReport r = lintFiles("V1__a.sql", "CREATE TABLE `s` (`id` INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                + " `text` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL, KEY (`text`));\n"
                + "ALTER TABLE `s` ADD `lang` VARCHAR(255) NOT NULL;\nALTER TABLE `s` DROP COLUMN `text`;\nDROP TABLE `s`;");
        assertEquals(List.of("info drop-column", "info drop-table"), found(r), r.findings().toString());
        assertTrue(r.blocking().isEmpty());
        assertTrue(r.findings().get(0).message().contains("created earlier in this file"), r.findings().get(0).message());
    }

    @Test
    void setNotNullOnlyWhenTheColumnWasNullableAndABackfillFirstIsSafe() {
        String create = "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10) NOT NULL, b VARCHAR(10) NULL, c VARCHAR(10));";
        assertEquals(List.of(), found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t MODIFY a VARCHAR(10) NOT NULL;")),
                "a was NOT NULL already");
        assertEquals(List.of("warning set-not-null"), found(lintFiles("V1__a.sql", create, "V2__b.sql",
                "ALTER TABLE t MODIFY b VARCHAR(10) NOT NULL;")));
        LintReport backfilled = lintFiles("V1__a.sql", create, "V2__b.sql",
                "UPDATE t SET c = 'x' WHERE c IS NULL;\nALTER TABLE t MODIFY c VARCHAR(10) NOT NULL;");
        assertEquals(List.of("info set-not-null"), found(backfilled));
        assertTrue(backfilled.findings().get(0).message().contains("the UPDATE at line 1 fills its NULLs first"),
                backfilled.findings().get(0).message());
        assertEquals(List.of("warning set-not-null"), found(lintFiles("V1__a.sql", create, "V2__b.sql",
                "UPDATE t SET c = 'x' WHERE id = 1;\nALTER TABLE t MODIFY c VARCHAR(10) NOT NULL;")), "an UPDATE that misses NULLs is no backfill");
        assertEquals(List.of("warning set-not-null"), found(lintFiles("V1__a.sql", create, "V2__b.sql", "UPDATE t SET c = 'x' WHERE c IS NULL;",
                "V3__c.sql", "ALTER TABLE t MODIFY c VARCHAR(10) NOT NULL;")), "the backfill must be in the same file: rows written in between hold NULL");
    }

    @Test
    void narrowingTypes() {
        String create = "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(255), big BIGINT, d DECIMAL(12,2), u INT UNSIGNED, x TEXT);";
        for (String narrowing : List.of("MODIFY s VARCHAR(16)", "MODIFY big INT", "MODIFY d DECIMAL(10,2)", "MODIFY d DECIMAL(12,1)",
                "MODIFY u INT", "CHANGE x x VARCHAR(100)", "MODIFY s BIGINT")) {
            assertTrue(found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t " + narrowing + ";")).contains("error narrowing-type"),
                    narrowing);
        }
        for (String widening : List.of("MODIFY s VARCHAR(300)", "MODIFY big BIGINT", "MODIFY d DECIMAL(14,2)", "MODIFY u BIGINT UNSIGNED",
                "MODIFY s TEXT", "MODIFY id INTEGER(11)")) {
            assertFalse(found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t " + widening + ";")).contains("error narrowing-type"),
                    widening);
        }
        assertEquals(List.of(), found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t MODIFY id INTEGER(11) NOT NULL;")),
                "INT(11) is INT: no type change, and id was NOT NULL as primary key");
    }

    @Test
    void renameIndexWarns() {
        assertEquals(List.of("warning rename-index"), found(lintFiles("V1__a.sql", "ALTER TABLE t RENAME INDEX ix_a TO ix_b;")));
        assertEquals(List.of("info rename-index"), found(lintFiles("V1__a.sql",
                "CREATE TABLE t (id INT PRIMARY KEY, a INT, KEY ix_a (a));\nALTER TABLE t RENAME KEY ix_a TO ix_b;")));
    }

    @Test
    void allowedFindingsReadAllowedNotError() {
        MigrationFile f = new MigrationFile("1", "x", "V1__x.sql", Path.of("V1__x.sql"), MigrationFormat.FLYWAY,
                SqlSplitter.split("ALTER TABLE a DROP COLUMN b;"), true, 0, Map.of("drop-column", "unused since 41"));
        LintFinding drop = new Linter(List.of()).lint(List.of(f)).findings().get(0);
        assertEquals("V1__x.sql:1: allowed drop-column: a.b: drops a column: its data is lost and the running version of the service"
                + " may still use it (allowed: unused since 41)", drop.format());
    }

    @Test
    void lintFromReadsEarlierFilesForTheSchemaButReportsOnlyLaterOnes() {
        List<MigrationFile> files = List.of(file("V1__a.sql", "CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL);\nDROP TABLE old;"),
                file("V2__b.sql", "ALTER TABLE t MODIFY a INT NOT NULL;"));
        LintReport r = new Linter(List.of()).lint(files, 1, null);
        assertEquals(List.of(), found(r), "V1's DROP is not reported, and V1 taught that a is NOT NULL already");
        assertEquals(1, r.filesChecked());
    }

    @Test
    void mysqlSyntaxTheOldParserMissed() {
        String create = "CREATE TABLE t (id INT PRIMARY KEY, s ENUM('a','b') NOT NULL, name VARCHAR(50));";
        assertEquals(List.of("error not-null-without-default", "error not-null-without-default"), found(lintFiles("V1__a.sql", create,
                "V2__b.sql", "ALTER TABLE t ADD COLUMN (x INT NOT NULL, y INT NOT NULL), ADD IF NOT EXISTS z INT NULL;")),
                "every column of ADD (…) is checked; IF NOT EXISTS is not a column name");
        assertTrue(found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t MODIFY s ENUM('a','b','c') NOT NULL;"))
                .contains("warning table-copy-alter"), "other ENUM values are another type");
        assertEquals(List.of(), found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t MODIFY s ENUM('a','b') NOT NULL;")));
        assertTrue(found(lintFiles("V1__a.sql", create, "V2__b.sql", "ALTER TABLE t MODIFY name VARCHAR(50) CHARACTER SET utf8mb4;"))
                .contains("warning table-copy-alter"), "a character set change copies the table");
        assertEquals(List.of("warning unique-index-existing-table"), found(lintFiles("V1__a.sql", create, "V2__b.sql",
                "ALTER TABLE `t` ADD UNIQUE ux_name (`name`);")));
        assertEquals(List.of("warning unique-index-existing-table"), found(lintFiles("V1__a.sql", create, "V2__b.sql",
                "ALTER TABLE t ADD CONSTRAINT uq_name UNIQUE (name);")));
    }
}
