package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void repeatableAndGoMigrationsAreNotSilentlySkipped() throws IOException {
        Files.writeString(dir.resolve("R__views.sql"), "SELECT 1;");
        assertTrue(error("auto").contains("repeatable"));
        Files.delete(dir.resolve("R__views.sql"));
        Files.writeString(dir.resolve("20240101_x.go"), "package migrations");
        assertTrue(error("auto").contains("Go migration"));
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
