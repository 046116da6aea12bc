package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationScannerTest {

    @TempDir
    Path dir;

    private String error(String format) {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> MigrationScanner.scan(List.of(dir), format));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    @Test
    void missingFolderSaysWhichAndHowToFix() {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> MigrationScanner.scan(List.of(dir.resolve("db/migrations")), "auto"));
        assertTrue(e.getMessage().contains("db/migrations does not exist") && e.getMessage().contains("migrations.locations"), e.getMessage());
    }

    @Test
    void mixedFormatsAreRefused() throws IOException {
        Files.writeString(dir.resolve("V1__a.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("20240101_b.sql"), "-- +goose Up\nSELECT 1;\n");
        String msg = error("auto");
        assertTrue(msg.contains("mix Flyway and goose") && msg.contains("V1__a.sql") && msg.contains("20240101_b.sql"), msg);
    }

    @Test
    void duplicateVersionsNameBothFiles() throws IOException {
        Files.writeString(dir.resolve("V1__a.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V1.0__b.sql"), "SELECT 1;");
        String msg = error("auto");
        assertTrue(msg.contains("Two migrations have version") && msg.contains("V1__a.sql") && msg.contains("V1.0__b.sql"), msg);
    }

    @Test
    void misnamedFileWouldNeverRunSoItIsAnError() throws IOException {
        Files.writeString(dir.resolve("V1_create.sql"), "SELECT 1;");
        String msg = error("auto");
        assertTrue(msg.contains("V1_create.sql matches neither"), msg);
    }

    @Test
    void formatMustMatchTheFiles() throws IOException {
        Files.writeString(dir.resolve("V1__a.sql"), "SELECT 1;");
        assertTrue(error("goose").contains("named for flyway"));
    }

    @Test
    void baselineUndoAndGoMigrationsAreNotSilentlySkipped() throws IOException {
        Files.writeString(dir.resolve("B5__all.sql"), "SELECT 1;");
        String baseline = error("auto");
        assertTrue(baseline.contains("baseline migrations (B__) are not supported") && baseline.contains("move this file out")
                && baseline.contains("V5__all.sql") && baseline.contains("migrations.baselineVersion"), baseline);
        Files.delete(dir.resolve("B5__all.sql"));
        Files.writeString(dir.resolve("U2__undo.sql"), "SELECT 1;");
        assertTrue(error("auto").contains("undo migrations (U__)"));
        Files.delete(dir.resolve("U2__undo.sql"));
        Files.writeString(dir.resolve("20240101_x.go"), "package migrations");
        assertTrue(error("auto").contains("Go migration"));
    }

    @Test
    void repeatablesAndCallbacksAreFlywayFilesNotMisnamedOnes() throws IOException {
        Files.writeString(dir.resolve("V1__a.sql"), "CREATE TABLE a (id INT);");
        Files.writeString(dir.resolve("R__views.sql"), "CREATE OR REPLACE VIEW v AS SELECT * FROM a;");
        Files.writeString(dir.resolve("R__b_first.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("beforeMigrate.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("afterEachMigrate__log.sql"), "SELECT 1;");

        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");

        assertEquals(MigrationFormat.FLYWAY, set.format());
        assertEquals(List.of("1"), set.files().stream().map(MigrationFile::version).toList());
        assertEquals(List.of("b first", "views"), set.repeatables().stream().map(MigrationFile::description).toList(),
                "Flyway orders repeatables by description");
        assertTrue(set.repeatables().get(1).repeatable() && set.repeatables().get(1).version() == null);
        assertEquals(List.of("afterEachMigrate__log.sql", "beforeMigrate.sql"),
                set.callbacks().stream().map(p -> p.getFileName().toString()).sorted().toList());

        Files.writeString(dir.resolve("beforeMigrat.sql"), "SELECT 1;");
        assertTrue(error("auto").contains("beforeMigrat.sql matches neither"), "a misspelt callback is not ignored");
    }

    @Test
    void flywayPlaceholdersAreReplacedAndAnUnknownOneNamesFileAndLine() throws IOException {
        Files.writeString(dir.resolve("V1__a.sql"), "-- owner: ${Owner}\nCREATE TABLE ${flyway:defaultSchema}.`${prefix}orders` (id INT);\n");
        Map<String, String> values = Map.of("prefix", "shop_", "owner", "team-a", "flyway:defaultSchema", "db1");
        MigrationFile f = MigrationScanner.scan(List.of(dir), "auto", new ScanContext(k -> null, values)).files().get(0);
        assertEquals("CREATE TABLE db1.`shop_orders` (id INT)", f.statements().get(0).sql());
        assertEquals(MigrationScanner.flywayChecksum(Files.readString(dir.resolve("V1__a.sql"))), f.checksum(),
                "the checksum is the file's as written, as Flyway computes it");

        Files.writeString(dir.resolve("V2__b.sql"), "SELECT 1;\n\nINSERT INTO t VALUES ('${tenant}');\n");
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> MigrationScanner.scan(List.of(dir), "auto", new ScanContext(k -> null, values)));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().startsWith("V2__b.sql line 3: no value for placeholder ${tenant}")
                && e.getMessage().contains("migrations.placeholders.tenant"), e.getMessage());

        MigrationFile literal = MigrationScanner.scan(List.of(dir), "auto", new ScanContext(k -> null, null)).files().get(1);
        assertTrue(literal.statements().get(1).sql().contains("${tenant}"), "placeholderReplacement: false keeps it");
    }

    @Test
    void versionsSortNumericallyAndAllowsAreRead() throws IOException {
        Files.writeString(dir.resolve("V10__c.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("V2__b.sql"), "-- dbpromote:allow drop-table replaced by orders_v2\nDROP TABLE x;");
        Files.writeString(dir.resolve("V1_1__a.sql"), "SELECT 1;");
        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");
        assertEquals(List.of("1.1", "2", "10"), set.files().stream().map(MigrationFile::version).toList());
        assertEquals("replaced by orders_v2", set.files().get(1).allowed().get("drop-table"));
    }
}
