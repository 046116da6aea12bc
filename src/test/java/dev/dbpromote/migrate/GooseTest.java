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
}
