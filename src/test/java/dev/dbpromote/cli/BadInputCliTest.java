package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.ServerFingerprint;
import dev.dbpromote.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input found by trying dbpromote as a new user, each through the real command line: exit 2, a
 * message naming the problem and the fix, and nothing changed on the server or in the workspace.
 */
@MariaDb
class BadInputCliTest {

    @TempDir
    Path dir;

    private String config(TestDatabase db, String ttl) throws Exception {
        String yaml = """
                app: badin
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                environments:
                  dev:
                    database: {strategy: clone, ttl: %s}
                  staging:
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root, passwordEnv: STAGING_DB_PASSWORD}
                """.formatted(db.port(), db.name(), ttl, db.port(), db.name());
        Files.writeString(dir.resolve("dbpromote.yaml"), yaml);
        Files.createDirectories(dir.resolve("db/migrations"));
        return yaml;
    }

    private void assertRefused(CliRun.Result r, String... messageParts) {
        assertEquals(2, r.exitCode(), r.toString());
        for (String part : messageParts) {
            assertTrue(r.err().contains(part), "'" + part + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat dev.dbpromote"), "no stack trace: " + r.err());
    }

    @Test
    void anEmptyPrIsRefusedForPerPrEnvironments(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        config(db, "72h");
        String before = ServerFingerprint.of(db.server());

        // Jenkins: sh 'dbpromote clone --env dev --pr "$CHANGE_ID"' on a branch build, where CHANGE_ID is empty.
        for (String[] args : new String[][] {{"clone", "--env", "dev", "--pr", ""}, {"clone", "--env", "dev", "--pr", " "},
                {"migrate", "--env", "dev", "--pr", ""}, {"env", "destroy", "--env", "dev", "--pr", ""},
                {"validate", "--env", "dev", "--pr", "", "--dry-run"}}) {
            CliRun.Result r = CliRun.in(dir).run(args);
            assertRefused(r, "--pr is empty", "environment 'dev' is per pull request (strategy: clone)",
                    "shared non-PR 'dev' environment", "--pr 42");
        }

        assertEquals(before, ServerFingerprint.of(db.server()), "no badin_dev clone, nothing else either");
        assertFalse(Files.exists(dir.resolve(".dbpromote/env")), "no environment record");
    }

    @Test
    void anEmptyPrIsNoPrForAFixedEnvironment(TestDatabase db) throws Exception {
        Files.writeString(dir.resolve("dbpromote.yaml"), config(db, "72h").replace(", passwordEnv: STAGING_DB_PASSWORD", ""));
        CliRun.Result r = CliRun.in(dir).run("migrate", "info", "--env", "staging", "--pr", "");
        assertEquals(0, r.exitCode(), "staging is one database, not one per PR: " + r);
    }

    @Test
    void aPasswordVariableThatIsSetButEmptySaysSo(TestDatabase db) throws Exception {
        config(db, "72h");
        String before = ServerFingerprint.of(db.server());

        CliRun.Result r = CliRun.in(dir).env("STAGING_DB_PASSWORD", "").run("migrate", "--env", "staging");

        assertRefused(r, "STAGING_DB_PASSWORD", "is set but empty", "environments.staging.database.passwordEnv");
        assertFalse(r.err().contains("Access denied"), r.err());
        assertEquals(before, ServerFingerprint.of(db.server()));
    }

    @Test
    void aConfigThatIsNotUtf8(TestDatabase db) throws Exception {
        String yaml = config(db, "72h");
        Files.write(dir.resolve("dbpromote.yaml"), (yaml + "# Zoë's team\n").getBytes(StandardCharsets.ISO_8859_1));

        CliRun.Result r = CliRun.in(dir).run("check");

        assertRefused(r, "dbpromote.yaml is not UTF-8: line 11 has the byte 0xEB", "Save it as UTF-8");
        assertFalse(r.err().contains("Input length"), r.err());
    }

    @Test
    void aTabOnLineTwoIsReportedAtLineTwo(TestDatabase db) throws Exception {
        String yaml = config(db, "72h");
        Files.writeString(dir.resolve("dbpromote.yaml"), yaml.replaceFirst("\nsource:", "\n\tsource:"));

        CliRun.Result r = CliRun.in(dir).run("check");

        assertRefused(r, "not valid YAML at line 2, column 1: a tab character", "indent with spaces");
    }

    @Test
    void aTtlBeyondMaxTtlIsRefusedBeforeAnythingIsCloned(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        config(db, "99999999999h");
        String before = ServerFingerprint.of(db.server());

        CliRun.Result r = CliRun.in(dir).run("clone", "--env", "dev", "--pr", "5");

        assertRefused(r, "line 8: ttl 99999999999h is longer than the maximum 30d", "maxTtl");
        assertEquals(before, ServerFingerprint.of(db.server()), "no clone");
        assertTrue(CliRun.in(dir).run("check").err().contains("maxTtl"));
    }
}
