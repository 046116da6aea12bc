package dev.dbpromote.migrate;

import dev.dbpromote.core.JUnitXml;
import dev.dbpromote.core.Json;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the migrate and lint results where Jenkins picks them up:
 * {@code .dbpromote/reports/<name>.json} and {@code .dbpromote/junit/<name>.xml}.
 */
public final class MigrateReports {

    private MigrateReports() {
    }

    /** @return the JSON and JUnit files written */
    public static List<Path> writeMigrate(Path stateDir, String envKey, MigrateResult result) {
        String name = "migrate-" + envKey;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "migrate");
        json.put("environment", envKey);
        json.put("generatedAt", Instant.now());
        json.put("result", result);
        Path jsonFile = stateDir.resolve("reports").resolve(name + ".json");
        Json.write(jsonFile, json);

        List<JUnitXml.Case> cases = new ArrayList<>();
        String cls = "dbpromote.migrate." + envKey;
        for (AppliedMigration a : result.applied()) {
            cases.add(a.adopted()
                    ? new JUnitXml.Case(cls, a.script(), 0, null, "adopted from goose_db_version", true)
                    : JUnitXml.Case.passed(cls, a.script(), a.durationMillis() / 1000.0));
        }
        if (result.failure() != null) {
            MigrationFailure f = result.failure();
            cases.add(JUnitXml.Case.failed(cls, f.script(), 0, f.script() + " failed at line " + f.line() + ": " + f.error(), f.describe()));
        }
        for (LintFinding f : result.lint().blocking()) {
            cases.add(JUnitXml.Case.failed(cls + ".lint", f.file() + ":" + f.line() + " " + f.rule(), 0, f.format(), f.statement()));
        }
        if (cases.isEmpty()) {
            cases.add(JUnitXml.Case.passed(cls, "no pending migrations", 0));
        }
        Path xml = stateDir.resolve("junit").resolve(name + ".xml");
        JUnitXml.write(xml, List.of(new JUnitXml.Suite("migrate " + envKey, cases)));
        return List.of(jsonFile, xml);
    }

    public static List<Path> writeLint(Path stateDir, LintReport report) {
        Path jsonFile = stateDir.resolve("reports").resolve("lint.json");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "lint");
        json.put("generatedAt", Instant.now());
        json.put("success", report.blocking().isEmpty());
        json.put("report", report);
        Json.write(jsonFile, json);
        List<JUnitXml.Case> cases = new ArrayList<>();
        for (LintFinding f : report.findings()) {
            String name = f.file() + ":" + f.line() + " " + f.rule();
            if (f.blocking()) {
                cases.add(JUnitXml.Case.failed("dbpromote.lint", name, 0, f.format(), f.statement()));
            } else {
                cases.add(new JUnitXml.Case("dbpromote.lint", name, 0, null, f.format(), true));
            }
        }
        if (cases.isEmpty()) {
            cases.add(JUnitXml.Case.passed("dbpromote.lint", report.filesChecked() + " file(s), no findings", 0));
        }
        Path xml = stateDir.resolve("junit").resolve("lint.xml");
        JUnitXml.write(xml, List.of(new JUnitXml.Suite("lint", cases)));
        return List.of(jsonFile, xml);
    }
}
