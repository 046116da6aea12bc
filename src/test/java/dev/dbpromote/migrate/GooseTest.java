package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GooseTest {

    @TempDir
    Path dir;

    /** One directory that uses every goose annotation, as goose users write them. */
    private void writeMixedGooseDirectory() throws IOException {
        Files.writeString(dir.resolve("20240101120000_create_customers.sql"), """
                -- +goose Up
                CREATE TABLE customers (
                  id BIGINT PRIMARY KEY AUTO_INCREMENT,
                  email VARCHAR(200) NOT NULL
                );
                INSERT INTO customers (email) VALUES ('a@example.com'), ('b;c@example.com');

                -- +goose Down
                DROP TABLE customers;
                """);
        Files.writeString(dir.resolve("20240102090000_add_trigger.sql"), """
                -- +goose Up
                -- +goose StatementBegin
                CREATE TRIGGER customers_lower BEFORE INSERT ON customers
                FOR EACH ROW
                BEGIN
                  SET NEW.email = LOWER(NEW.email);
                END;
                -- +goose StatementEnd

                -- +goose Down
                -- +goose StatementBegin
                DROP TRIGGER customers_lower;
                -- +goose StatementEnd
                """);
        Files.writeString(dir.resolve("20240103000000_index_concurrently.sql"), """
                -- +goose NO TRANSACTION
                -- +goose Up
                CREATE INDEX ix_email ON customers (email);
                INSERT INTO customers (email) VALUES ('UPPER@EXAMPLE.COM');
                -- +goose Down
                DROP INDEX ix_email ON customers;
                """);
    }

    @Test
    void parsesUpSectionsBlocksAndNoTransaction() throws IOException {
        writeMixedGooseDirectory();

        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");

        assertEquals(MigrationFormat.GOOSE, set.format());
        assertEquals(List.of("20240101120000", "20240102090000", "20240103000000"), set.files().stream().map(MigrationFile::version).toList());
        MigrationFile first = set.files().get(0);
        assertEquals(2, first.statements().size(), "Down section ignored");
        assertTrue(first.statements().get(1).sql().contains("'b;c@example.com'"));
        assertEquals(2, first.statements().get(0).line());
        MigrationFile trigger = set.files().get(1);
        assertEquals(1, trigger.statements().size(), "StatementBegin/End is one statement, semicolons inside kept");
        assertTrue(trigger.statements().get(0).sql().contains("SET NEW.email = LOWER(NEW.email);"));
        assertTrue(trigger.transactional());
        assertFalse(set.files().get(2).transactional(), "NO TRANSACTION honoured");
    }

    @EachServer
    void appliesGooseDirectory(TestDatabase db) throws IOException {
        writeMixedGooseDirectory();

        MigrateResult r = new DbMigrate(db.root(), MigrationScanner.scan(List.of(dir), "auto"), DbMigrate.Options.defaults(),
                text -> { }).migrate();

        assertTrue(r.success(), String.valueOf(r.failure()));
        assertEquals("20240103000000", r.versionAfter());
        assertEquals(List.of("a@example.com", "b;c@example.com", "upper@example.com"),
                db.column("SELECT email FROM customers ORDER BY id"), "the trigger from the StatementBegin block works");
    }

    @EachServer
    void adoptsADatabaseGooseAlreadyManages(TestDatabase db) throws IOException {
        writeMixedGooseDirectory();
        // What goose leaves behind after applying the first two migrations (and a down + up of the second).
        db.execute("CREATE TABLE goose_db_version (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL DEFAULT now())",
                "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (20240101120000, 1), (20240102090000, 1),"
                        + " (20240102090000, 0), (20240102090000, 1)",
                "CREATE TABLE customers (id BIGINT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(200) NOT NULL)",
                "INSERT INTO customers (email) VALUES ('existing@example.com')",
                "CREATE TRIGGER customers_lower BEFORE INSERT ON customers FOR EACH ROW SET NEW.email = LOWER(NEW.email)");
        List<String> lines = new ArrayList<>();

        MigrateResult r = new DbMigrate(db.root(), MigrationScanner.scan(List.of(dir), "auto"), DbMigrate.Options.defaults(),
                lines::add).migrate();

        assertTrue(r.success(), String.valueOf(r.failure()));
        assertEquals(List.of(true, true, false), r.applied().stream().map(AppliedMigration::adopted).toList());
        assertEquals(List.of("existing@example.com", "upper@example.com"), db.column("SELECT email FROM customers ORDER BY id"),
                "the adopted migrations' INSERTs did not run again");
        assertEquals("20240103000000", db.column("SELECT MAX(version_id) FROM goose_db_version").get(0),
                "goose's table gets the version we applied, so goose itself agrees");
        assertTrue(lines.stream().anyMatch(l -> l.contains("applied earlier by goose")), lines.toString());
    }

    @Test
    void gooseFileErrorsNameFileAndLine() throws IOException {
        Files.writeString(dir.resolve("1_no_up.sql"), "CREATE TABLE x (id INT);\n");
        DbPromoteException noUp = assertThrows(DbPromoteException.class, () -> MigrationScanner.scan(List.of(dir), "auto"));
        assertTrue(noUp.getMessage().contains("1_no_up.sql") && noUp.getMessage().contains("-- +goose Up"), noUp.getMessage());

        Files.writeString(dir.resolve("1_no_up.sql"), "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE x (id INT);\n");
        DbPromoteException open = assertThrows(DbPromoteException.class, () -> MigrationScanner.scan(List.of(dir), "auto"));
        assertTrue(open.getMessage().contains("never closed"), open.getMessage());

        Files.writeString(dir.resolve("1_no_up.sql"), "-- +goose Up\nCREATE TABLE x (id INT)\n");
        DbPromoteException unterminated = assertThrows(DbPromoteException.class, () -> MigrationScanner.scan(List.of(dir), "auto"));
        assertTrue(unterminated.getMessage().contains("line 2") && unterminated.getMessage().contains("not terminated"),
                unterminated.getMessage());
    }

    /** Issue 10 bug 2: goose sends a block as one string with multiStatements on, so all its statements run. */
    @EachServer
    void blockHoldingSeveralStatementsRunsThemAllAndFailsAtTheRightLine(TestDatabase db) throws IOException {
        Path file = dir.resolve("20240101000000_two_tables.sql");
        Files.writeString(file, """
                -- +goose Up
                -- +goose StatementBegin
                CREATE TABLE t1 (id INT PRIMARY KEY);
                CREATE TABLE t2 (id INT PRIMARY KEY);

                INSERT INTO missing VALUES (1);
                -- +goose StatementEnd
                -- +goose Down
                DROP TABLE t2;
                """);
        MigrateResult failed = new DbMigrate(db.root(), MigrationScanner.scan(List.of(dir), "auto"), DbMigrate.Options.defaults(),
                text -> { }).migrate();

        MigrationFailure f = failed.failure();
        assertEquals(3, f.statement(), "the block's third statement");
        assertEquals(6, f.line(), "reported by its own line, not the block's");
        assertEquals(2, f.statementsApplied());
        assertTrue(db.column("SHOW TABLES").containsAll(List.of("t1", "t2")));
        assertEquals("none", failed.versionAfter(), "a failed migration is not the current version");

        Files.writeString(file, Files.readString(file).replace("INSERT INTO missing", "INSERT INTO t2"));
        MigrateResult fixed = new DbMigrate(db.root(), MigrationScanner.scan(List.of(dir), "auto"), DbMigrate.Options.defaults(),
                text -> { }).migrate();
        assertTrue(fixed.success(), String.valueOf(fixed.failure()));
        assertEquals(3, fixed.applied().get(0).resumedAt(), "resumed inside the block, after the two CREATEs");
        assertEquals(1, db.count("t2"));
    }

    @Test
    void blockStatementsAreSplitAsTheServerSplitsThem() {
        GooseParser.Parsed p = GooseParser.parse("""
                -- +goose Up
                -- +goose StatementBegin
                CREATE TABLE a (id INT, note VARCHAR(10) DEFAULT ';');
                CREATE TRIGGER a_bi BEFORE INSERT ON a FOR EACH ROW
                BEGIN
                  SET NEW.note = 'x;y';
                END;
                -- +goose StatementEnd
                SELECT 3; SELECT 4; -- one goose statement, two for the server
                """, "1_x.sql", k -> null);
        assertEquals(2, p.up().size(), "goose's view: the block and one line");
        List<SqlStatement> run = p.executable();
        assertEquals(List.of(3, 4, 9, 9), run.stream().map(SqlStatement::line).toList());
        assertTrue(run.get(1).sql().endsWith("END"), run.get(1).sql());
    }

    /** Issue 10 bug 3: ENVSUB with goose's syntax, only between ON and OFF; an unset variable is refused. */
    @Test
    void envsubSubstitutesBetweenOnAndOffOnly() {
        String file = """
                -- +goose Up
                -- +goose ENVSUB ON
                CREATE TABLE ${PREFIX}orders (id INT, region VARCHAR(10) DEFAULT '${REGION:-eu}', cost VARCHAR(9) DEFAULT '\\$5');
                -- +goose ENVSUB OFF
                INSERT INTO t VALUES ('${PREFIX}');
                """;
        GooseParser.Parsed p = GooseParser.parse(file, "1_x.sql", Map.of("PREFIX", "shop_")::get);
        assertEquals("CREATE TABLE shop_orders (id INT, region VARCHAR(10) DEFAULT 'eu', cost VARCHAR(9) DEFAULT '$5');",
                p.up().get(0).text());
        assertEquals("INSERT INTO t VALUES ('${PREFIX}');", p.up().get(1).text(), "after OFF nothing is substituted");

        DbPromoteException unset = assertThrows(DbPromoteException.class, () -> GooseParser.parse(file, "1_x.sql", k -> null));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, unset.kind());
        assertTrue(unset.getMessage().startsWith("1_x.sql line 3: environment variable PREFIX is not set")
                && unset.getMessage().contains("${PREFIX:-value}"), unset.getMessage());

        assertTrue(GooseParser.parse(file, "1_x.sql", k -> null, false).up().get(0).text().startsWith("CREATE TABLE orders"),
                "reading without running (lint): goose's own empty substitution, no error");

        DbPromoteException required = assertThrows(DbPromoteException.class, () -> GooseParser.parse(
                "-- +goose Up\n-- +goose envsub on\nSELECT '${X?must be set}';\n", "2_y.sql", k -> null));
        assertTrue(required.getMessage().contains("$X: must be set"), required.getMessage());
    }

    @EachServer
    void envsubAppliesWithTheEnvironmentGiven(TestDatabase db) throws IOException {
        Files.writeString(dir.resolve("20240101000000_envsub.sql"), """
                -- +goose Up
                -- +goose ENVSUB ON
                CREATE TABLE ${PREFIX}orders (id INT PRIMARY KEY);
                """);
        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto", new ScanContext(Map.of("PREFIX", "eu_")::get, Map.of()));
        assertTrue(new DbMigrate(db.root(), set, DbMigrate.Options.defaults(), text -> { }).migrate().success());
        assertTrue(db.column("SHOW TABLES").contains("eu_orders"));
    }

    @Test
    void annotationsAsGooseReadsThem() {
        GooseParser.Parsed p = GooseParser.parse("-- +goose up\n-- +goose statementbegin\nSELECT 1;\n-- +goose STATEMENTEND\n",
                "1_x.sql", k -> null);
        assertEquals(1, p.up().size(), "any letter case");
        DbPromoteException indented = assertThrows(DbPromoteException.class,
                () -> GooseParser.parse("-- +goose Up\n  -- +goose StatementBegin\nSELECT 1;\n", "1_x.sql", k -> null));
        assertTrue(indented.getMessage().contains("line 2") && indented.getMessage().contains("indented"), indented.getMessage());
        DbPromoteException unknown = assertThrows(DbPromoteException.class,
                () -> GooseParser.parse("-- +goose Up\n-- +goose Foo\n", "1_x.sql", k -> null));
        assertTrue(unknown.getMessage().contains("unknown goose annotation 'Foo'"), unknown.getMessage());
        DbPromoteException before = assertThrows(DbPromoteException.class,
                () -> GooseParser.parse("SELECT 1;\n-- +goose Up\n", "1_x.sql", k -> null));
        assertTrue(before.getMessage().contains("line 1: SQL before '-- +goose Up'"), before.getMessage());
    }
}
