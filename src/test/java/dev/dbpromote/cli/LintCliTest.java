package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbpromote lint}: findings on stdout, allowed ones labelled so, and {@code --env} judging by the database's data. */
class LintCliTest {

    static final String PASSWORD = "l1nt-Pa55-word";

    @TempDir
    Path repo;

    private CliRun cli(TestDatabase db) throws IOException {
        db.execute("CREATE USER IF NOT EXISTS 'lint_" + db.name() + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL ON `" + db.name() + "`.* TO 'lint_" + db.name() + "'@'%'");
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
                      user: lint_%s
                      passwordEnv: ORDERS_DB_PASSWORD
                """.formatted(db.port(), db.name(), db.port(), db.name(), db.name()));
        Files.createDirectories(repo.resolve("db/migrations"));
        return CliRun.in(repo).env("ORDERS_DB_PASSWORD", PASSWORD);
    }

    private void migration(String name, String sql) throws IOException {
        Files.writeString(repo.resolve("db/migrations").resolve(name), sql);
    }

    @EachServer
    void withoutADatabaseLintIsConservativeAndPrintsFindingsOnStdout(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__create.sql", "CREATE TABLE customers (id INT PRIMARY KEY, code VARCHAR(255), legacy INT);\n");
        migration("V2__cleanup.sql", "-- dbpromote:allow drop-column legacy is unused since release 41\n"
                + "ALTER TABLE customers DROP COLUMN legacy;\nALTER TABLE customers MODIFY code VARCHAR(8);\n");

        CliRun.Result r = cli.run("lint");

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("V2__cleanup.sql:3: error narrowing-type: customers.code VARCHAR(255) -> VARCHAR(8)"), r.out());
        assertTrue(r.out().contains("V2__cleanup.sql:2: allowed drop-column: customers.legacy"), r.out());
        assertFalse(r.out().contains("error drop-column"), "an allowed finding is not printed as an error: " + r.out());
        assertFalse(r.err().contains("narrowing-type"), "findings are the result, not progress: " + r.err());

        CliRun.Result unknownEnv = cli.run("lint", "--env", "qa");
        assertEquals(2, unknownEnv.exitCode(), unknownEnv.toString());
        assertTrue(unknownEnv.err().contains("qa"), unknownEnv.err());
    }

    @EachServer
    void withEnvLintJudgesThePendingMigrationsByTheDatabasesData(TestDatabase db) throws IOException {
        CliRun cli = cli(db);
        migration("V1__create.sql", "CREATE TABLE customers (id INT PRIMARY KEY, code VARCHAR(255), legacy INT);\n"
                + "CREATE TABLE audit (id INT PRIMARY KEY, old INT);\n");
        assertEquals(0, cli.run("migrate", "--env", "ci").exitCode());
        db.execute("INSERT INTO customers VALUES (1, 'fits', 1), (2, 'much too long for eight', 2)");
        migration("V2__cleanup.sql", "ALTER TABLE customers MODIFY code VARCHAR(8);\nALTER TABLE audit DROP COLUMN old;\n");

        CliRun.Result r = cli.run("lint", "--env", "ci");

        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("V2__cleanup.sql:1: error narrowing-type") && r.out().contains("1 of 2 row(s)"), r.out());
        assertTrue(r.out().contains("V2__cleanup.sql:2: info drop-column: audit.old") && r.out().contains("audit is empty on"), r.out());
        assertFalse(r.out().contains("V1__create.sql"), "V1 is applied there: only pending migrations are linted");
        assertTrue(r.out().contains("lint against lint_" + db.name() + "@127.0.0.1:" + db.port() + "/" + db.name() + ": 1 file(s)"), r.out());
        assertFalse(r.out().contains(PASSWORD) || r.err().contains(PASSWORD));
        assertEquals(2, db.count("customers"), "lint changes nothing");
        assertEquals(java.util.List.of("1"), db.column("SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"),
                "V2 not applied by lint");
    }
}
