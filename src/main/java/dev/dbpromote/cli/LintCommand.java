package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTargets;
import dev.dbpromote.config.Config;
import dev.dbpromote.db.ConnectionSpec;
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

@Command(name = "lint", description = {"Check the migrations for risky changes (drops, renames, narrowing type changes,",
        "table-copy ALTERs, NOT NULL without default, unique indexes on existing tables, Blue/Green breakers).",
        "Without --env: all files, no database, conservative. With --env: the migrations pending on that",
        "environment's database, judged against its data (a drop on an empty table is not an error).",
        "Findings go to stdout. Exit 1 when an error is not allowed with '-- dbpromote:allow <rule> <reason>'."})
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
        String against = null;
        LintReport report;
        if (options.env != null && !options.env.isBlank()) {
            String env = options.requireEnv();
            config.environment(env);
            MigrationSet set = Migrations.scan(config);
            ConnectionSpec db = BlueGreenTargets.of(config, context.environment()).connection(env, options.pr());
            context.progress().line("Linting the migrations pending on %s against its data", db.describe());
            // A blue-green environment's pending migrations run on green, where replication breakers are errors.
            boolean blueGreen = config.environment(env).database().isBlueGreen();
            report = Migrations.lint(config, set, db, Migrations.options(config, null, true, false, blueGreen), context.progress());
            against = db.describe();
        } else {
            report = Migrations.lint(config, Migrations.scan(config));
        }
        List<Path> files = MigrateReports.writeLint(config.stateDir(), report);
        String summary = String.format("lint%s: %d file(s), %d statement(s): %d error(s) (%d allowed), %d warning(s), %d info",
                against == null ? "" : " against " + against, report.filesChecked(), report.statementsChecked(),
                report.count(Severity.ERROR), report.count(Severity.ERROR) - report.blocking().size(), report.count(Severity.WARNING),
                report.count(Severity.INFO));
        if (options.json()) {
            context.json(Map.of("success", report.blocking().isEmpty(), "report", report), Problems.lint(report));
        } else {
            // The findings are the result: stdout, so `dbpromote lint > lint.txt` keeps them.
            for (LintFinding f : report.findings()) {
                context.out().println(f.format());
            }
            context.out().println(summary);
            context.out().println("reports: " + files.get(0) + ", " + files.get(1));
        }
        return report.blocking().isEmpty() ? ExitCode.OK : ExitCode.FOUND_PROBLEM;
    }
}
