package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.LintTarget;
import dev.dbpromote.migrate.lint.Linter;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** Lint with the target database at hand: the data a risky change meets decides whether it is an error. */
class LintAgainstDatabaseTest {

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    private static MigrationFile file(String name, String sql) {
        return new MigrationFile("1", "x", name, Path.of(name), MigrationFormat.FLYWAY, SqlSplitter.split(sql), true, 0, Map.of());
    }

    private static LintReport lint(TestDatabase db, String sql) {
        try (LintTarget target = LintTarget.connect(db.root())) {
            return new Linter(List.of()).lint(List.of(file("V9__change.sql", sql)), target);
        }
    }

    private static LintFinding only(LintReport r, String rule) {
        List<LintFinding> f = r.findings().stream().filter(x -> x.rule().equals(rule)).toList();
        assertEquals(1, f.size(), r.findings().toString());
        return f.get(0);
    }

    @EachServer
    void aSetMigratedIntoAnEmptyDatabaseIsNotBlockedByChangesToTablesItCreatesItself(TestDatabase db) throws IOException {
        // Before: drop-column and drop-table errors blocked this set, and the NOT NULL add was an error on a "not new" table.
        Files.writeString(dir.resolve("V1__create.sql"), "CREATE TABLE `groups` (`id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                + " `title` VARCHAR(255) COLLATE utf8mb4_unicode_ci NOT NULL, KEY (`title`));\n"
                + "CREATE TABLE scratch (id INT PRIMARY KEY);\n");
        Files.writeString(dir.resolve("V2__add.sql"), "ALTER TABLE `groups` ADD `advises` VARCHAR(255) NOT NULL;\n"
                + "ALTER TABLE `groups` MODIFY `title` VARCHAR(16) NOT NULL;\n");
        Files.writeString(dir.resolve("V3__remove.sql"), "ALTER TABLE `groups` DROP `advises`;\nDROP TABLE scratch;\n");
        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");

        MigrateResult r = new DbMigrate(db.root(), set, DbMigrate.Options.defaults(), lines::add).migrate();

        assertTrue(r.success(), lines.toString());
        assertEquals("3", r.versionAfter());
        assertTrue(r.lint().blocking().isEmpty());
        assertEquals("info", only(r.lint(), "drop-column").label());
        assertTrue(only(r.lint(), "drop-table").message().contains("scratch is created earlier in this run"), r.lint().findings().toString());
        assertEquals("info", only(r.lint(), "narrowing-type").label(), "a new table has no rows to cut");

        // The same files without a database: V1's tables may hold production data by now.
        LintReport conservative = new Linter(List.of()).lint(set.files());
        assertEquals(List.of("drop-column", "drop-table", "narrowing-type", "not-null-without-default"),
                conservative.blocking().stream().map(LintFinding::rule).sorted().toList());
    }

    @EachServer
    void onATableWithRowsFindingsNameTheRowsAndNarrowingCountsWhatWouldNotFit(TestDatabase db) {
        db.execute("CREATE TABLE customers (id INT PRIMARY KEY, code VARCHAR(255), score BIGINT, note VARCHAR(20) NULL, legacy INT)",
                "INSERT INTO customers VALUES (1, 'short', 5, NULL, 1), (2, 'a code that is far too long', 3000000000, 'x', 2),"
                        + " (3, 'another long code', 7, NULL, 3)",
                "CREATE TABLE audit (id INT PRIMARY KEY, old INT)");

        LintReport r = lint(db, "ALTER TABLE customers MODIFY code VARCHAR(8);\nALTER TABLE customers MODIFY score INT;\n"
                + "ALTER TABLE customers MODIFY note VARCHAR(20) NOT NULL;\nALTER TABLE customers DROP COLUMN legacy;\n"
                + "ALTER TABLE audit DROP COLUMN old;\nDROP TABLE IF EXISTS never_created;\n");

        List<LintFinding> narrowing = r.findings().stream().filter(f -> f.rule().equals("narrowing-type")).toList();
        assertEquals(2, narrowing.size(), r.findings().toString());
        assertTrue(narrowing.get(0).blocking());
        assertTrue(narrowing.get(0).message().contains("2 of 3 row(s)") && narrowing.get(0).message().contains("would not fit on "
                + db.root().describe()), narrowing.get(0).message());
        assertTrue(narrowing.get(1).message().contains("1 of 3 row(s)"), "3000000000 does not fit INT: " + narrowing.get(1).message());

        LintFinding notNull = only(r, "set-not-null");
        assertTrue(notNull.message().contains("2 of 3 row(s)") && notNull.message().contains("hold NULL"), notNull.message());

        List<LintFinding> drops = r.findings().stream().filter(f -> f.rule().equals("drop-column")).toList();
        assertEquals("error", drops.get(0).label());
        assertTrue(drops.get(0).message().contains("customers has 3 row(s)"), drops.get(0).message());
        assertEquals("info", drops.get(1).label(), "audit is empty: nothing to lose");
        assertTrue(drops.get(1).message().contains("audit is empty on " + db.root().describe()), drops.get(1).message());

        LintFinding missing = only(r, "drop-table");
        assertEquals("info", missing.label());
        assertTrue(missing.message().contains("never_created does not exist on"), missing.message());

        assertEquals(List.of("1", "2", "3"), db.column("SELECT id FROM customers ORDER BY id"), "lint only reads");
        assertFalse(db.column("SHOW COLUMNS FROM customers").isEmpty());
    }

    @EachServer
    void theDatabaseSaysWhichColumnsAreAlreadyNotNull(TestDatabase db) {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10) NOT NULL, b VARCHAR(10) NULL)", "INSERT INTO t VALUES (1, 'x', 'y')");

        LintReport r = lint(db, "ALTER TABLE t MODIFY a VARCHAR(10) NOT NULL COMMENT 'already';\nALTER TABLE t MODIFY b VARCHAR(10) NOT NULL;\n");

        LintFinding notNull = only(r, "set-not-null");
        assertTrue(notNull.message().startsWith("t.b"), notNull.message());
        assertTrue(notNull.message().contains("0 of 1 row(s)"), notNull.message());
        assertTrue(r.findings().stream().noneMatch(f -> f.rule().equals("table-copy-alter")), "same type: no copy " + r.findings());

        LintReport renamed = lint(db, "RENAME TABLE t TO t2;\nALTER TABLE t2 DROP COLUMN b;\n");
        LintFinding drop = only(renamed, "drop-column");
        assertTrue(drop.blocking() && drop.message().contains("t2 has 1 row(s)"), "a renamed table keeps its rows: " + drop.message());
    }
}
