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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.flywaydb.core.api.MigrationVersion;

/** The repository's migrations as the config describes them: scanning, lint scope, migrate options. */
public final class Migrations {

    private Migrations() {
    }

    /**
     * For reading without running (lint, the validate step): Flyway's database placeholders name the source
     * database, and an unset goose ENVSUB variable is substituted by nothing, as goose does, instead of refused.
     */
    public static MigrationSet scan(Config config) {
        MigrationsConfig m = config.migrations();
        List<Path> locations = m.locations().stream().map(config::resolve).toList();
        return MigrationScanner.scan(locations, m.format(), new ScanContext(System::getenv, m.placeholderReplacement()
                ? placeholders(config, null) : null, false));
    }

    /**
     * @param env environment variables for goose's {@code ENVSUB ON}
     * @param target the database being migrated, for Flyway's {@code ${flyway:defaultSchema}}, {@code ${flyway:user}}…
     *     (null: not known, as in lint; the source database's name and user stand in)
     */
    public static MigrationSet scan(Config config, Function<String, String> env, ConnectionSpec target) {
        MigrationsConfig m = config.migrations();
        List<Path> locations = m.locations().stream().map(config::resolve).toList();
        return MigrationScanner.scan(locations, m.format(), new ScanContext(env, m.placeholderReplacement()
                ? placeholders(config, target) : null));
    }

    /** {@code migrations.placeholders} plus Flyway's defaults ({@code flyway:filename} is added per file). */
    static Map<String, String> placeholders(Config config, ConnectionSpec target) {
        Map<String, String> p = new LinkedHashMap<>();
        String database = target != null ? target.database() : config.source() == null ? "" : config.source().database();
        String user = target != null ? target.user() : config.source() == null || config.source().user() == null ? ""
                : config.source().user();
        p.put("flyway:defaultSchema", database);
        p.put("flyway:database", database);
        p.put("flyway:user", user);
        p.put("flyway:timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        p.put("flyway:workingDirectory", System.getProperty("user.dir"));
        p.put("flyway:table", config.migrations().table());
        p.put("flyway:environment", "default");
        p.putAll(config.migrations().placeholders());
        return p;
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
            // A blue/green green (options.blueGreen): replication breakers are errors there.
            return new Linter(config.migrations().allow(), options.blueGreen()).lint(pending, target);
        }
    }

    /** @param rehearsal the target is a clone of the source (its timings forecast production's) */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal) {
        return options(config, target, dryRun, rehearsal, false);
    }

    /** As {@link #options(Config, String, boolean, boolean)}, for a blue/green green when {@code blueGreen}. */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal, boolean blueGreen) {
        MigrationsConfig m = config.migrations();
        return new DbMigrate.Options(m.table(), target, dryRun, m.allow(), m.baselineVersion(), rehearsal,
                m.placeholderReplacement() ? m.placeholders() : null, blueGreen);
    }
}
