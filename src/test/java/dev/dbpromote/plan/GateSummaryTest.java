package dev.dbpromote.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.Severity;
import dev.dbpromote.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a gate shows a release manager: short, from the engine's own reports, with links. */
class GateSummaryTest {

    static final String CONFIG = """
            app: orders
            source: {mysql: {host: 127.0.0.1, port: 1}, database: orders, user: ro, passwordEnv: DB_PASSWORD}
            environments:
              dev: {database: {strategy: clone}}
              staging: {database: {strategy: in-place, host: 127.0.0.1, port: 1, passwordEnv: DB_PASSWORD}, approvers: [qa-leads]}
            """;

    @TempDir
    Path dir;

    Config config() throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), CONFIG);
        return new ConfigLoader(Map.<String, String>of()::get).load(dir.resolve("dbpromote.yaml"));
    }

    void reports() throws IOException {
        Path reports = Files.createDirectories(dir.resolve(".dbpromote/reports"));
        Files.writeString(reports.resolve("migrate-dev-pr-42.json"), """
                {"command": "migrate", "result": {"success": true, "forecast": "Forecast for production: about 41.0 s for 2 migration(s)\
                 at production's size (rehearsed on a copy of its data); slowest V8__orders_index.sql 40.2 s on orders ~2000000 rows / 1.2 GiB;\
                 V8__orders_index.sql rebuild tables: expect writes to them to wait about as long."}}
                """);
        Files.writeString(reports.resolve("validate-dev-pr-42.json"), """
                {"success": true, "statistics": {"evaluated_expectations": 12, "successful_expectations": 12, "unsuccessful_expectations": 0}}
                """);
    }

    @Test
    void showsMigrationsLintRehearsalValidationImageAndApproverWithLinks() throws IOException {
        Config config = config();
        reports();
        List<String> lines = new GateSummary(config).lines(new GateSummary.Request("staging", "42", "registry/orders@sha256:ab12", "ann",
                "https://ci/job/orders/PR-42/7/", List.of("V7__add_status.sql", "V8__orders_index.sql"), null,
                List.of(new LintFinding("table-copy-alter", Severity.WARNING, "V8__orders_index.sql", 1, "ALTER TABLE orders ...", "rebuilds", null))));

        assertEquals(List.of(
                "Migrations to run on staging (2): V7__add_status.sql, V8__orders_index.sql",
                "  lint warning V8__orders_index.sql:1 table-copy-alter",
                "Rehearsal on dev-pr-42: about 41.0 s for 2 migration(s) at production's size (rehearsed on a copy of its data); slowest"
                        + " V8__orders_index.sql 40.2 s on orders ~2000000 rows / 1.2 GiB; V8__orders_index.sql rebuild tables: expect writes"
                        + " to them to wait about as long.",
                "Validation of dev-pr-42: passed, 12 of 12 expectations: https://ci/job/orders/PR-42/7/artifact/.dbpromote/html/validate-dev-pr-42.html",
                "Image: registry/orders@sha256:ab12",
                "Previous gate approved by ann",
                "All reports: https://ci/job/orders/PR-42/7/artifact/.dbpromote/"), lines);
    }

    @Test
    void aMainBuildSaysWhereTheRehearsalRanAndStaysShort() throws IOException {
        Config config = config();
        List<String> many = java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> "V" + i + "__m.sql").toList();
        List<LintFinding> lint = many.stream().map(f -> new LintFinding("drop-column", Severity.ERROR, f, 1, "", "", "reviewed")).toList();
        List<String> lines = new GateSummary(config).lines(new GateSummary.Request("staging", null, null, null, null, many, null, lint));

        assertTrue(lines.size() <= GateSummary.MAX_LINES, lines.toString());
        assertTrue(lines.get(0).endsWith("V5__m.sql, and 25 more"), lines.get(0));
        assertEquals("  lint error V1__m.sql:1 drop-column (allowed: reviewed)", lines.get(1));
        assertEquals("  and 27 more lint finding(s): .dbpromote/reports/lint.json", lines.get(4));
        assertEquals("Rehearsal: ran in the pull request's own build (see its dev stages)", lines.get(5));
    }

    @Test
    void anUnreachableTargetIsSaidNotFatal() throws IOException {
        config();
        Files.createDirectories(dir.resolve("db/migrations"));
        CliRun.Result r = CliRun.in(dir).env("DB_PASSWORD", "pw-not-shown").run("gate-summary", "--env", "staging", "--pr", "42",
                "--image", "registry/orders@sha256:ab12", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Migrations on staging: could not be listed (Cannot reach the database at 127.0.0.1:1"), r.out());
        assertTrue(!r.out().contains("pw-not-shown") && !r.err().contains("pw-not-shown"));
        assertEquals(2, CliRun.in(dir).run("gate-summary", "--env", "dev").exitCode(), "a per-PR environment has no gate");
    }
}
