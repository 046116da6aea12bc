package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line, in-process: exit codes, messages, files written, secrets kept out. */
@MariaDb
class MigrateCliTest {

    static final String PASSWORD = "s3cr3t-Pa55-word";

    @TempDir
    Path repo;

    private CliRun cli(TestDatabase db) throws IOException {
        db.execute("CREATE USER IF NOT EXISTS 'app_" + db.name() + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL ON `" + db.name() + "`.* TO 'app_" + db.name() + "'@'%'");
        Files.writeString(repo.resolve("dbpromote.yaml"), """
                app: orders
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                environments:
                  ci:
                    database:
                      strategy: in-place
                      host: 127.0.0.1
                      port: %d
                      database: %s
                      user: app_%s
                      passwordEnv: ORDERS_DB_PASSWORD
                """.formatted(db.port(), db.name(), db.port(), db.name(), db.name()));
        Files.createDirectories(repo.resolve("db/migrations"));
        return CliRun.in(repo).env("ORDERS_DB_PASSWORD", PASSWORD);
    }

    private void migration(String name, String sql) throws IOException {
        Files.writeString(repo.resolve("db/migrations").resolve(name), sql);
    }

    private String allWrittenFiles() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(repo.resolve(".dbpromote"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                b.append(Files.readString(f));
            }
        }
        return b.toString();
    }

    @EachServer
    void migrateWritesReportsAndNeverShowsThePassword(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__orders.sql", "CREATE TABLE orders (id BIGINT PRIMARY KEY);\nINSERT INTO orders VALUES (1),(2),(3);\n");
        migration("V2__status.sql", "ALTER TABLE orders ADD COLUMN status VARCHAR(10) NULL;\n");

        CliRun.Result r = cli.run("migrate", "--env", "ci");

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("from version none to 2: 2 migration(s)"), r.out());
        assertFalse(r.out().contains("Forecast for production"), "an in-place database is not a rehearsal: " + r.out());
        assertTrue(r.err().contains("V2__status.sql: 1 statement(s)"), r.err());
        assertTrue(Files.exists(repo.resolve(".dbpromote/reports/migrate-ci.json")));
        String junit = Files.readString(repo.resolve(".dbpromote/junit/migrate-ci.xml"));
        assertTrue(junit.contains("testcase") && junit.contains("V1__orders.sql"), junit);
        String everything = r.out() + r.err() + allWrittenFiles();
        assertFalse(everything.contains(PASSWORD), "the password never reaches output or reports");

        CliRun.Result info = cli.run("migrate", "info", "--env", "ci");
        assertEquals(0, info.exitCode(), info.toString());
        assertTrue(info.out().contains("current version 2") && info.out().contains("Success"), info.out());

        CliRun.Result json = cli.run("migrate", "--env", "ci", "--output", "json");
        assertEquals(0, json.exitCode());
        assertTrue(json.out().strip().startsWith("{") && json.out().contains("\"success\" : true"), json.out());
    }

    @EachServer
    void failedMigrationExitsOneAndSaysWhatIsApplied(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__bad.sql", "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO nope VALUES (1);\n");

        CliRun.Result r = cli.run("migrate", "--env", "ci");

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("V1__bad.sql failed at statement 2 of 2 (line 2)"), r.out());
        assertTrue(r.out().contains("statements 1-1 of V1__bad.sql are applied"), r.out());
        String junit = Files.readString(repo.resolve(".dbpromote/junit/migrate-ci.xml"));
        assertTrue(junit.contains("<failure"), junit);
        CliRun.Result json = cli.run("migrate", "--env", "ci", "--output", "json");
        assertEquals(1, json.exitCode(), json.toString());
        String problem = dev.dbpromote.core.Json.mapper().readTree(json.out()).get("problem").asText();
        assertTrue(problem.startsWith("Migration FAILED on "), problem);
        assertTrue(problem.contains("V1__bad.sql failed at statement 2 of 2 (line 2): ") && problem.contains("statement: INSERT INTO nope VALUES (1)")
                && problem.contains("statements 1-1 of V1__bad.sql are applied and stay applied"), problem);
        assertTrue(json.err().contains(problem), json.err());

        migration("V1__bad.sql", "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1);\n");
        CliRun.Result again = cli.run("migrate", "--env", "ci");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.err().contains("resuming at statement 2"), again.err());
    }

    @Test
    void lintCommandExitsOneOnBlockingErrors(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__drop.sql", "ALTER TABLE orders DROP COLUMN legacy;\n");

        CliRun.Result r = cli.run("lint");

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("V1__drop.sql:1: error drop-column"), "findings are the result: stdout " + r);
        assertTrue(Files.readString(repo.resolve(".dbpromote/junit/lint.xml")).contains("drop-column"));
        CliRun.Result json = cli.run("lint", "--output", "json");
        String problem = dev.dbpromote.core.Json.mapper().readTree(json.out()).get("problem").asText();
        assertTrue(problem.startsWith("1 lint error(s) block the migrations:\n  V1__drop.sql:1: error drop-column"), problem);
        assertTrue(problem.endsWith("allow one in its file with '-- dbpromote:allow <rule> <reason>'."), problem);
    }

    @Test
    void badInputIsExitTwoWithAFix(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");

        CliRun.Result noEnv = cli.run("migrate");
        assertEquals(2, noEnv.exitCode());
        assertTrue(noEnv.err().contains("Missing --env"), noEnv.err());

        CliRun.Result unknownEnv = cli.run("migrate", "--env", "qa");
        assertEquals(2, unknownEnv.exitCode());
        assertTrue(unknownEnv.err().contains("Environment 'qa' is not defined") && unknownEnv.err().contains("[ci]"), unknownEnv.err());

        CliRun.Result passwordFlag = cli.run("migrate", "--env", "ci", "--password", "x");
        assertEquals(2, passwordFlag.exitCode(), "passwords are never CLI arguments");
        assertTrue(passwordFlag.err().contains("Unknown option"), passwordFlag.err());

        CliRun.Result badPr = cli.run("migrate", "--env", "ci", "--pr", "feature/x;rm -rf");
        assertEquals(2, badPr.exitCode());
        assertTrue(badPr.err().contains("is not a pull request number"), badPr.err());

        CliRun.Result badTarget = cli.run("migrate", "--env", "ci", "--target", "latest-please");
        assertEquals(2, badTarget.exitCode(), badTarget.toString());
        assertTrue(badTarget.err().contains("--target 'latest-please' is not a version"), badTarget.err());

        CliRun.Result unset = CliRun.in(repo).run("migrate", "--env", "ci");
        assertEquals(2, unset.exitCode());
        assertTrue(unset.err().contains("ORDERS_DB_PASSWORD") && unset.err().contains("is not set"), unset.err());

        CliRun.Result wrong = CliRun.in(repo).env("ORDERS_DB_PASSWORD", "wrong-one").run("migrate", "--env", "ci");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("Access denied for app_"), wrong.err());
        assertFalse(wrong.err().contains("wrong-one"));

        CliRun.Result noConfig = CliRun.in(repo).run("check", "--config", "nope.yaml");
        assertEquals(2, noConfig.exitCode());
        assertTrue(noConfig.err().contains("nope.yaml not found"), noConfig.err());
        assertFalse(noConfig.err().contains("at dev.dbpromote"), "no stack trace for a user mistake");

        assertTrue(db.column("SHOW TABLES").isEmpty(), "none of these changed anything");
    }

    @Test
    void unreachableDatabaseIsExitThree(TestDatabase db) throws IOException {
        cli(db);
        Files.writeString(repo.resolve("dbpromote.yaml"), Files.readString(repo.resolve("dbpromote.yaml"))
                .replace("      port: " + db.port(), "      port: 1"));
        migration("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");

        CliRun.Result r = CliRun.in(repo).env("ORDERS_DB_PASSWORD", PASSWORD).run("migrate", "--env", "ci");

        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Cannot reach the database at 127.0.0.1:1"), r.err());
    }

    @EachServer
    void dryRunPrintsTheSqlAndChangesNothing(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");

        CliRun.Result r = cli.run("migrate", "--env", "ci", "--dry-run");

        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("-- V1__a.sql") && r.out().contains("CREATE TABLE a (id INT PRIMARY KEY);"), r.out());
        assertTrue(db.column("SHOW TABLES").isEmpty());
    }
}
