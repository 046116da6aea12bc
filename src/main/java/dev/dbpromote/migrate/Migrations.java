package dev.dbpromote.migrate;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.MigrationsConfig;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.Linter;
import dev.dbpromote.db.ConnectionSpec;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Lints every file after {@code migrations.lintFrom} (all files when unset). */
    public static LintReport lint(Config config, MigrationSet set) {
        String from = config.migrations().lintFrom();
        List<MigrationFile> files = from == null ? set.files() : set.files().stream()
                .filter(f -> MigrationVersion.fromVersion(f.version()).isNewerThan(MigrationVersion.fromVersion(from)))
                .toList();
        return new Linter(config.migrations().allow()).lint(files);
    }

    /** @param rehearsal the target is a clone of the source (its timings forecast production's) */
    public static DbMigrate.Options options(Config config, String target, boolean dryRun, boolean rehearsal) {
        MigrationsConfig m = config.migrations();
        return new DbMigrate.Options(m.table(), target, dryRun, m.allow(), m.baselineVersion(), rehearsal,
                m.placeholderReplacement() ? m.placeholders() : null);
    }
}
