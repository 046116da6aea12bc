package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate repair}: a dry run clears nothing, and a real one says first which statements the next migrate repeats. */
class RepairCliTest {

    @TempDir
    Path repo;

    private CliRun failedRun(TestDatabase db) throws Exception {
        Files.writeString(repo.resolve("dbpromote.yaml"), """
                app: orders
                source: {mysql: {host: 127.0.0.1, port: %d}, database: %s, user: root}
                environments:
                  ci:
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root}
                """.formatted(db.port(), db.name(), db.port(), db.name()));
        Path dir = Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(dir.resolve("V1__t.sql"), "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20));\n");
        Files.writeString(dir.resolve("V2__index.sql"), "CREATE INDEX ix_name ON t (name);\nINSERT INTO nope VALUES (1);\n");
        CliRun cli = CliRun.in(repo);
        assertEquals(1, cli.run("migrate", "--env", "ci").exitCode());
        return cli;
    }

    private static List<String> state(TestDatabase db) {
        return List.of(String.join(",", db.column("SELECT CONCAT(version, ':', success) FROM flyway_schema_history ORDER BY installed_rank")),
                String.join(",", db.column("SELECT CONCAT(version, ':', statements_applied) FROM dbpromote_partial_migrations")));
    }

    @EachServer
    void repairDryRunInEitherPlaceClearsNothing(TestDatabase db) throws Exception {
        CliRun cli = failedRun(db);
        List<String> before = state(db);
        assertEquals(List.of("1:1,2:0", "2:1"), before, "a failed row and the partial state");

        for (String[] args : new String[][] {{"migrate", "repair", "--env", "ci", "--dry-run"}, {"migrate", "--dry-run", "repair", "--env", "ci"},
                {"migrate", "--dry-run", "--env", "ci", "repair"}}) {
            CliRun.Result r = cli.run(args);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Dry run, nothing changed. Would clear on") && r.out().contains("V2__index.sql"), r.out());
            assertEquals(before, state(db), String.join(" ", args) + " changed nothing");
        }
    }

    @EachServer
    void repairSaysTheAppliedStatementsRunAgainThenClears(TestDatabase db) throws Exception {
        CliRun cli = failedRun(db);

        CliRun.Result r = cli.run("migrate", "repair", "--env", "ci");

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("WARNING V2__index.sql: statement 1 was applied by the failed run and stays in the database."
                + " After repair the next migrate runs V2__index.sql from statement 1 again"), r.err());
        assertTrue(r.err().contains("'Duplicate key name'") && r.err().contains("undo its effect by hand first"), r.err());
        assertTrue(r.out().contains("Cleared on"), r.out());
        assertEquals(List.of("1:1"), db.column("SELECT CONCAT(version, ':', success) FROM flyway_schema_history ORDER BY installed_rank"));
        assertTrue(db.column("SHOW TABLES").stream().noneMatch(t -> t.equals("dbpromote_partial_migrations")), "partial state cleared");
        // What the warning said: the index is still there, so the next migrate repeats statement 1 and fails on it.
        Files.writeString(repo.resolve("db/migrations/V2__index.sql"), "CREATE INDEX ix_name ON t (name);\nCREATE TABLE u (id INT);\n");
        CliRun.Result again = cli.run("migrate", "--env", "ci");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.out().contains("Duplicate key name"), again.out());
    }
}
