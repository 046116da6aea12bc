package dev.dbpromote.migrate;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.MigrationsConfig;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.Linter;
import java.nio.file.Path;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;

/** The repository's migrations as the config describes them: scanning, lint scope, migrate options. */
public final class Migrations {

    private Migrations() {
    }

    public static MigrationSet scan(Config config) {
        MigrationsConfig m = config.migrations();
        List<Path> locations = m.locations().stream().map(config::resolve).toList();
        return MigrationScanner.scan(locations, m.format());
    }

    /** Lints every file after {@code migrations.lintFrom} (all files when unset). */
    public static LintReport lint(Config config, MigrationSet set) {
        return lint(config, set, false);
    }

    /** As {@link #lint(Config, MigrationSet)}; for a blue/green target {@code bluegreen-incompatible} is an error. */
    public static LintReport lint(Config config, MigrationSet set, boolean blueGreenTarget) {
        String from = config.migrations().lintFrom();
        List<MigrationFile> files = from == null ? set.files() : set.files().stream()
                .filter(f -> MigrationVersion.fromVersion(f.version()).isNewerThan(MigrationVersion.fromVersion(from)))
                .toList();
        return new Linter(config.migrations().allow(), blueGreenTarget).lint(files);
    }

    /** @param rehearsal the target is a clone of the source (its timings forecast production's) */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal) {
        MigrationsConfig m = config.migrations();
        return new DbMigrate.Options(m.table(), target, dryRun, m.allow(), m.baselineVersion(), rehearsal);
    }

    /** As {@link #options(Config, String, boolean, boolean)}, for a blue/green green when {@code blueGreen}. */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal, boolean blueGreen) {
        MigrationsConfig m = config.migrations();
        return new DbMigrate.Options(m.table(), target, dryRun, m.allow(), m.baselineVersion(), rehearsal, blueGreen);
    }
}
