package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;
import dev.dbpromote.migrate.MigrateReports;
import dev.dbpromote.migrate.MigrationSet;
import dev.dbpromote.migrate.Migrations;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "lint", description = {"Check the migrations for risky changes (drops, renames, table-copy ALTERs, NOT NULL",
        "without default, unique indexes on existing tables, Blue/Green breakers). No database needed.",
        "Exit 1 when an error is not allowed with '-- dbpromote:allow <rule> <reason>' in its file."})
final class LintCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    LintCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        MigrationSet set = Migrations.scan(config);
        // --env of a blue-green environment: what would run on green, where replication breakers are errors.
        boolean blueGreen = options.env != null && config.environment(options.env).database().isBlueGreen();
        LintReport report = Migrations.lint(config, set, blueGreen);
        List<Path> files = MigrateReports.writeLint(config.stateDir(), report);
        for (LintFinding f : report.findings()) {
            context.err().println(f.format());
        }
        String summary = String.format("lint: %d file(s), %d statement(s): %d error(s) (%d allowed), %d warning(s)",
                report.filesChecked(), report.statementsChecked(), report.count(Severity.ERROR),
                report.count(Severity.ERROR) - report.blocking().size(), report.count(Severity.WARNING));
        if (options.json()) {
            context.out().println(Json.write(Map.of("success", report.blocking().isEmpty(), "report", report)));
        } else {
            context.out().println(summary);
            context.out().println("reports: " + files.get(0) + ", " + files.get(1));
        }
        return report.blocking().isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEM;
    }
}
