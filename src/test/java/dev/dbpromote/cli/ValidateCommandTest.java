package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Json;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import dev.dbpromote.core.Progress;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.MigrationScanner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    static final String PASSWORD = "s3cret-Pa55-word";

    @TempDir
    Path dir;

    private void setUp(TestDatabase source, TestDatabase clone) throws IOException {
        for (TestDatabase db : new TestDatabase[] {source, clone}) {
            db.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20), total DECIMAL(10,2))",
                    "INSERT INTO orders VALUES (1,'paid',10), (2,'new',20), (3,'paid',30)");
        }
        String user = "v" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        // Host-specific accounts: MariaDB's anonymous ''@'localhost' would otherwise win over 'user'@'%'.
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
            clone.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'",
                    "GRANT SELECT ON `" + clone.name() + "`.* TO '" + user + "'@'" + host + "'",
                    "GRANT SELECT ON `" + source.name() + "`.* TO '" + user + "'@'" + host + "'");
        }
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: %s
                  passwordEnv: DB_PASSWORD
                validate:
                  suite: db/expectations.yaml
                  compare: source
                  parameters: {MAX_TOTAL: '25'}
                  sampleRows: 3
                environments:
                  staging:
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: %s, passwordEnv: DB_PASSWORD}
                """.formatted(source.port(), source.name(), user, clone.port(), clone.name(), user));
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("db/expectations.yaml"), """
                suite: orders
                tables:
                  orders:
                    - expect_column_values_to_be_in_set: {column: status, value_set: [new, paid]}
                    - expect_column_values_to_be_between: {column: total, min_value: 0, max_value: $MAX_TOTAL}
                """);
    }

    private CliRun cli() {
        return CliRun.in(dir).env("DB_PASSWORD", PASSWORD);
    }

    @EachServer
    void failingExpectationExitsOneWritesReportsAndNeverPrintsThePassword(TestDatabase source, TestDatabase clone) throws IOException {
        setUp(source, clone);
        CliRun.Result r = cli().run("validate", "--env", "staging");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FAILED: 1 of 2 expectations passed"), r.out());
        assertTrue(r.out().contains("FAIL orders: expect_column_values_to_be_between(total) — 1 of 3 values outside between 0 and 25"), r.out());
        assertTrue(r.out().contains("(expectations.yaml:5)"), r.out());
        assertTrue(r.err().contains("Migrations in this database but not in the source: none"), r.err());
        for (String f : new String[] {"reports/validate-staging.json", "junit/validate-staging.xml", "html/validate-staging.html"}) {
            assertTrue(Files.exists(dir.resolve(".dbpromote").resolve(f)), f);
        }
        assertFalse(r.out().contains(PASSWORD) || r.err().contains(PASSWORD));
        try (Stream<Path> files = Files.walk(dir.resolve(".dbpromote"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f).contains(PASSWORD), f.toString());
            }
        }

        CliRun.Result raised = cli().run("validate", "--env", "staging", "--param", "MAX_TOTAL=100", "--output", "json");
        assertEquals(0, raised.exitCode(), raised.toString());
        assertEquals(true, Json.mapper().readTree(raised.out()).get("success").asBoolean());

        assertEquals(0, cli().run("validate", "--env", "staging", "--warn-only").exitCode(), "warn-only reports but passes");
    }

    @EachServer
    void jsonCarriesTheProblemAndWarnOnlyFromTheEnvironment(TestDatabase source, TestDatabase clone) throws IOException {
        setUp(source, clone);
        CliRun.Result r = cli().run("validate", "--env", "staging", "--output", "json");
        assertEquals(1, r.exitCode(), r.toString());
        var json = Json.mapper().readTree(r.out());
        assertEquals(false, json.get("warnOnly").asBoolean());
        String problem = json.get("problem").asText();
        assertTrue(problem.startsWith("1 of 2 expectations failed on "), problem);
        assertTrue(problem.contains("orders.total: expect_column_values_to_be_between — 1 of 3 values outside between 0 and 25")
                && problem.contains("(expectations.yaml:5)"), problem);
        assertTrue(problem.contains("Report: ") && problem.contains("validate-staging.html"), problem);
        assertTrue(r.err().contains(problem), "the same text on stderr, which the Jenkins console shows: " + r.err());

        Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml")) + "    warnOnly: true\n");
        CliRun.Result warn = cli().run("validate", "--env", "staging", "--output", "json");
        assertEquals(0, warn.exitCode(), warn.toString());
        var warnJson = Json.mapper().readTree(warn.out());
        assertEquals(true, warnJson.get("warnOnly").asBoolean(), "environments.staging.warnOnly applies: " + warn.out());
        assertEquals(false, warnJson.get("success").asBoolean());
        assertTrue(warnJson.get("problem").asText().contains("(warn-only)"), warn.out());
    }

    @EachServer
    void tablesTouchedByTheMigrationAreReportedNotFailed(TestDatabase source, TestDatabase clone) throws IOException {
        setUp(source, clone);
        clone.execute("UPDATE orders SET status = 'new' WHERE id = 3");
        CliRun.Result strict = cli().run("validate", "--env", "staging", "--param", "MAX_TOTAL=100");
        assertEquals(1, strict.exitCode(), strict.toString());
        assertTrue(strict.out().contains("DIFF orders: differs — same row count (3), different content"), strict.out());

        // The same change made by a migration the clone has and the source lacks: reported, not failed.
        Path migrations = Files.createDirectories(dir.resolve("db/migrations"));
        Files.writeString(migrations.resolve("V1__fix_status.sql"), "UPDATE orders SET status = 'new' WHERE id = 3;\n");
        new DbMigrate(clone.root(), MigrationScanner.scan(List.of(migrations), "auto"),
                new DbMigrate.Options("flyway_schema_history", null, false, List.of(), "0", true), Progress.silent()).migrate();
        CliRun.Result touched = cli().run("validate", "--env", "staging", "--param", "MAX_TOTAL=100");
        assertEquals(0, touched.exitCode(), touched.toString());
        assertTrue(touched.out().contains("NOTE orders: changed (touched by the migrations applied in this run)"), touched.out());
        assertTrue(touched.err().contains("compared orders: changed (source 3 rows, database 3 rows), touched by the migrations applied in this run"),
                touched.err());
        assertTrue(touched.err().contains("Migrations in this database but not in the source: 1; tables they touch: orders"),
                touched.err());
    }

    @EachServer
    void suiteProblemsExitTwoBeforeAnyReport(TestDatabase source, TestDatabase clone) throws IOException {
        setUp(source, clone);
        Files.writeString(dir.resolve("db/bad.yaml"), "tables:\n  orders:\n    - expect_column_values_to_not_be_null: {column: stauts}\n");
        CliRun.Result r = cli().run("validate", "--env", "staging", "--suite", "db/bad.yaml");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("bad.yaml:3: expect_column_values_to_not_be_null: column 'stauts' does not exist in table 'orders';"
                + " did you mean 'status'?"), r.err());
        assertFalse(Files.exists(dir.resolve(".dbpromote/reports/validate-staging.json")));

        CliRun.Result strategy = cli().run("validate", "--env", "staging", "--strategy", "fast");
        assertEquals(2, strategy.exitCode());
        assertTrue(strategy.err().contains("Unknown strategy 'fast'. Use single-scan (default) or per-expectation."), strategy.err());

        CliRun.Result noEnv = cli().run("validate");
        assertEquals(2, noEnv.exitCode());
        assertTrue(noEnv.err().contains("Missing --env"), noEnv.err());
    }

    @Test
    void dryRunShowsThePlanWithoutTouchingTheDatabase() throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source: {mysql: {host: 127.0.0.1, port: 1}, database: orders}
                validate: {suite: s.yaml}
                environments:
                  dev: {database: {strategy: clone}}
                """);
        Files.writeString(dir.resolve("s.yaml"), """
                tables:
                  orders:
                    - expect_column_values_to_not_be_null: {column: id}
                    - expect_column_values_to_be_unique: {column: id}
                    - expect_column_values_to_not_be_null: {column: x, row_condition: "y = 1"}
                """);
        CliRun.Result r = CliRun.in(dir).run("validate", "--env", "dev", "--pr", "42", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Would validate dev-pr-42 with suite 's' (3 expectations, single-scan)"), r.out());
        assertTrue(r.out().contains("orders: 3 expectation(s), 2 table scan(s)"), r.out());
        CliRun.Result per = CliRun.in(dir).run("validate", "--env", "dev", "--pr", "42", "--dry-run", "--strategy", "per-expectation");
        assertTrue(per.out().contains("orders: 3 expectation(s), 3 table scan(s)"), per.out());
    }
}
