package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTargets;
import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.migrate.AppliedMigration;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.InfoResult;
import dev.dbpromote.migrate.MigrateReports;
import dev.dbpromote.migrate.MigrateResult;
import dev.dbpromote.migrate.MigrationSet;
import dev.dbpromote.migrate.Migrations;
import dev.dbpromote.migrate.SqlStatement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", description = {"Apply pending migrations (Flyway or goose format) to the environment's database,",
        "after lint. On a clone this is the rehearsal: timings and table sizes are reported with a forecast",
        "for production. A failed migration says which statements stayed applied; fix it and re-run to resume."},
        subcommands = {MigrateCommand.Info.class, MigrateCommand.Repair.class})
final class MigrateCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--target", paramLabel = "VERSION", description = "Migrate up to this version only.")
    String target;

    MigrateCommand(CliContext context) {
        this.context = context;
    }

    /** What every migrate subcommand starts from: config, migrations, the environment's database. */
    record Setup(Config config, MigrationSet set, ConnectionSpec db, String envName, String envKey) {
        static Setup of(CliContext context, SharedOptions options) {
            String env = options.requireEnv();
            String pr = options.pr();
            Config config = context.loadConfig(options);
            config.environment(env);
            ConnectionSpec db = BlueGreenTargets.of(config, context.environment()).connection(env, pr);
            // goose ENVSUB reads the environment; Flyway's ${flyway:defaultSchema}/${flyway:user} name this target.
            MigrationSet set = Migrations.scan(config, context.environment(), db);
            return new Setup(config, set, db, env, EnvironmentRecord.key(env, pr));
        }

        DbMigrate migrator(String target, boolean dryRun, CliContext context) {
            // A clone (it has an environment record) holds production's data: its run is the rehearsal.
            boolean clone = config.environment(envName).database().isClone();
            boolean green = config.environment(envName).database().isBlueGreen();
            return new DbMigrate(db, set, Migrations.options(config, target, dryRun, clone, green), context.progress());
        }
    }

    @Override
    public Integer call() {
        Setup setup = Setup.of(context, options);
        Config config = setup.config();
        MigrateResult result = setup.migrator(target, options.dryRun(), context).migrate();
        String key = setup.envKey();
        // A dry run's plan must not replace the rehearsal report a real run wrote.
        List<Path> files = MigrateReports.writeMigrate(config.stateDir(), result.dryRun() ? key + "-plan" : key, result);
        recordVersion(config, key, result);
        if (options.json()) {
            context.json(result, Problems.migrate(result));
        } else {
            printText(result, files);
        }
        return result.success() ? ExitCode.OK : ExitCode.FOUND_PROBLEM;
    }

    private void recordVersion(Config config, String key, MigrateResult result) {
        if (result.dryRun()) {
            return;
        }
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        store.find(key).ifPresent(r -> store.save(r.withAttribute("schemaVersion", result.versionAfter())));
    }

    private void printText(MigrateResult r, List<Path> files) {
        var out = context.out();
        if (r.dryRun()) {
            out.println("Dry run on " + r.database() + " (at version " + r.versionBefore() + "): " + r.pending().size()
                    + " pending migration(s)" + (r.pending().isEmpty() ? "." : ":"));
            for (MigrateResult.PendingMigration p : r.pending()) {
                out.println("-- " + p.script());
                for (SqlStatement s : p.statements()) {
                    out.println(s.sql() + ";");
                }
            }
            return;
        }
        if (r.failure() != null) {
            out.println("Migration FAILED on " + r.database() + ":");
            out.println(r.failure().describe());
        } else if (!r.lint().blocking().isEmpty()) {
            out.println("Not migrated: " + r.lint().blocking().size() + " lint error(s) block it:");
            r.lint().blocking().forEach(f -> out.println("  " + f.format()));
            out.println("Fix them, or allow one in its file with '-- dbpromote:allow <rule> <reason>'.");
        } else {
            out.println("Migrated " + r.database() + " from version " + r.versionBefore() + " to " + r.versionAfter() + ": "
                    + r.applied().size() + " migration(s) in " + r.totalMillis() + " ms.");
        }
        for (AppliedMigration a : r.applied()) {
            out.printf("  %-40s %s%n", a.script(), a.adopted() ? "adopted from goose" : a.durationMillis() + " ms");
        }
        if (r.forecast() != null) {
            out.println(r.forecast());
        }
        out.println("reports: " + files.get(0) + ", " + files.get(1));
    }

    @Command(name = "info", description = "Show applied, pending and failed migrations with versions, checksums and dates.")
    static final class Info implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        SharedOptions options;

        Info(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            InfoResult info = Setup.of(context, options).migrator(null, false, context).info();
            if (options.json()) {
                context.out().println(Json.write(info));
                return ExitCode.OK;
            }
            var out = context.out();
            out.println(info.database() + ": current version " + info.currentVersion() + " (" + info.format().name().toLowerCase() + ")");
            info.migrations().stream().filter(r -> "Failed".equalsIgnoreCase(r.state())).forEach(r -> out.println("  "
                    + r.script() + " failed and is not applied in full: fix it and run migrate again (it resumes), or see"
                    + " 'dbpromote migrate repair'."));
            out.printf("%-16s %-34s %-9s %-12s %-20s %s%n", "Version", "Script", "State", "Checksum", "Installed on", "Time");
            for (InfoResult.Row row : info.migrations()) {
                out.printf("%-16s %-34s %-9s %-12s %-20s %s%n", row.version(), row.script(), row.state(),
                        row.checksum() == null ? "" : row.checksum(),
                        row.installedOn() == null ? "" : row.installedOn().toString().replace('T', ' ').replaceAll("\\..*|Z", ""),
                        row.executionMillis() == null ? "" : row.executionMillis() + " ms");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "repair", description = {"Forget failed and partly applied migrations after you have checked or undone",
            "what they left in the database. Changes only dbpromote's bookkeeping, never your tables: the next",
            "migrate runs a repaired migration from its first statement again (repair says which statements that repeats)."})
    static final class Repair implements Callable<Integer> {
        private final CliContext context;

        @Mixin
        SharedOptions options;

        Repair(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Setup setup = Setup.of(context, options);
            ConnectionSpec db = setup.db();
            List<String> cleared = setup.migrator(null, options.dryRun(), context).repair();
            if (options.json()) {
                context.out().println(Json.write(Map.of("success", true, "dryRun", options.dryRun(), "cleared", cleared)));
            } else {
                context.out().println(cleared.isEmpty() ? "Nothing to repair on " + db.describe() + "."
                        : (options.dryRun() ? "Dry run, nothing changed. Would clear on " : "Cleared on ") + db.describe() + ": "
                        + String.join(", ", cleared));
            }
            return ExitCode.OK;
        }
    }
}
