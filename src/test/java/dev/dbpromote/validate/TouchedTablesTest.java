package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.core.Progress;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.MigrationScanner;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

class TouchedTablesTest {

    @TempDir
    Path repo;

    @EachServer
    void tablesOfMigrationsTheCloneHasAndTheSourceLacks(TestDatabase source, TestDatabase clone) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(dir.resolve("V1__a.sql"), "CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (id INT PRIMARY KEY);\n");
        Files.writeString(dir.resolve("V2__b.sql"), "ALTER TABLE b ADD COLUMN n INT NULL;\n");
        Config config = new ConfigLoader(Map.<String, String>of()::get).parse("""
                app: orders
                source: {mysql: {host: 127.0.0.1}, database: x}
                environments: {dev: {database: {strategy: clone}}}
                """, repo.resolve("dbpromote.yaml"));
        migrate(source, dir, "1");
        migrate(clone, dir, null);

        TouchedTables t = TouchedTables.between(config, clone.root(), source.root());
        assertEquals(Set.of("2"), t.versions());
        assertEquals(Set.of("b", "flyway_schema_history"), t.tables());

        // A re-run on the reused clone has nothing to apply: the answer is the same, unlike a per-run report.
        migrate(clone, dir, null);
        assertEquals(t, TouchedTables.between(config, clone.root(), source.root()));

        assertEquals(Set.of(), TouchedTables.between(config, source.root(), source.root()).tables(),
                "nothing the source lacks: every table must match");
    }

    private static void migrate(TestDatabase db, Path dir, String target) {
        new DbMigrate(db.root(), MigrationScanner.scan(List.of(dir), "auto"),
                new DbMigrate.Options("flyway_schema_history", target, false, List.of(), null, true), Progress.silent()).migrate();
    }
}
