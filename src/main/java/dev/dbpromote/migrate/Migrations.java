package dev.dbpromote.migrate;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.MigrationsConfig;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.LintTarget;
import dev.dbpromote.migrate.lint.Linter;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

    /**
     * Lints every file after {@code migrations.lintFrom} (all files when unset), without a database: conservative.
     * The files up to {@code lintFrom} are read too, so the schema they build is known, but not reported on.
     */
    public static LintReport lint(Config config, MigrationSet set) {
        String from = config.migrations().lintFrom();
        int first = 0;
        if (from != null) {
            MigrationVersion v = MigrationVersion.fromVersion(from);
            while (first < set.files().size() && !MigrationVersion.fromVersion(set.files().get(first).version()).isNewerThan(v)) {
                first++;
            }
        }
        return new Linter(config.migrations().allow()).lint(set.files(), first, null);
    }

    /**
     * Lints what {@code dbpromote migrate} would run on {@code db} (its pending migrations, less goose versions it
     * would adopt) against what {@code db} holds. Reads only.
     */
    public static LintReport lint(Config config, MigrationSet set, ConnectionSpec db, DbMigrate.Options options, Progress progress) {
        Set<String> pendingScripts = new HashSet<>();
        for (InfoResult.Row row : new DbMigrate(db, set, options, progress).info().migrations()) {
            if ("Pending".equalsIgnoreCase(row.state())) {
                pendingScripts.add(row.script());
            }
        }
        Set<String> adopted;
        try (Connection c = Jdbc.open(db)) {
            adopted = set.format() == MigrationFormat.GOOSE ? GooseLedger.applied(c) : Set.of();
        } catch (SQLException e) {
            throw Jdbc.translate(db, e);
        }
        List<MigrationFile> pending = set.files().stream()
                .filter(f -> pendingScripts.contains(f.script()) && !adopted.contains(f.version()))
                .toList();
        try (LintTarget target = LintTarget.connect(db)) {
            return new Linter(config.migrations().allow()).lint(pending, target);
        }
    }

    /** @param rehearsal the target is a clone of the source (its timings forecast production's) */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal) {
        MigrationsConfig m = config.migrations();
        return new DbMigrate.Options(m.table(), target, dryRun, m.allow(), m.baselineVersion(), rehearsal);
    }
}
