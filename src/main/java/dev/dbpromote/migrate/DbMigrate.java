package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.LintTarget;
import dev.dbpromote.migrate.lint.Linter;
import dev.dbpromote.migrate.lint.Rule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Applies a repository's migrations to one database, Flyway-style history, with lint first and
 * rehearsal timings recorded.
 *
 * <pre>{@code
 * MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");
 * MigrateResult r = new DbMigrate(target, set, DbMigrate.Options.defaults(), Progress.to(System.err)).migrate();
 * }</pre>
 */
public final class DbMigrate {

    /**
     * @param historyTable Flyway's history table name
     * @param target migrate up to this version (null: latest)
     * @param allowedRules lint rules allowed everywhere (config {@code migrations.allow})
     * @param baselineVersion for a non-empty database without history: versions up to this one count as applied
     * @param rehearsal the target is a clone of production's data, so its timings forecast production's
     */
    public record Options(String historyTable, String target, boolean dryRun, List<String> allowedRules, String baselineVersion,
            boolean rehearsal) {
        public static Options defaults() {
            return new Options("flyway_schema_history", null, false, List.of(), null, true);
        }
    }

    private final ConnectionSpec target;
    private final MigrationSet set;
    private final Options options;
    private final Progress progress;
    private boolean adoptingGoose;

    public DbMigrate(ConnectionSpec target, MigrationSet set, Options options, Progress progress) {
        this.target = target;
        this.set = set;
        this.options = options;
        this.progress = progress;
    }

    public MigrateResult migrate() {
        Set<String> gooseApplied = Set.of();
        Set<String> partialVersions;
        try (Connection c = Jdbc.open(target)) {
            if (set.format() == MigrationFormat.GOOSE) {
                gooseApplied = GooseLedger.applied(c);
                adoptingGoose = !gooseApplied.isEmpty();
            }
            clearResumableFailures(c);
            partialVersions = Set.copyOf(PartialProgress.versions(c));
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        Map<String, Set<String>> touched = Linter.touchedTables(set.files());
        List<AppliedMigration> applied = new ArrayList<>();
        AtomicReference<MigrationFailure> failure = new AtomicReference<>();
        Set<String> adopt = gooseApplied;
        Flyway flyway = flyway(f -> new StatementExecutor(f, touched.getOrDefault(f.version(), Set.of()), adopt, partialVersions,
                progress, applied::add, failure::set));

        validate(flyway);
        MigrationInfo[] pendingInfo = flyway.info().pending();
        String before = versionOf(flyway.info().current());
        List<MigrationFile> pendingFiles = new ArrayList<>();
        List<MigrateResult.PendingMigration> pending = new ArrayList<>();
        for (MigrationInfo p : pendingInfo) {
            MigrationFile f = set.byVersion(p.getVersion().getVersion());
            if (f == null) {
                f = set.files().stream().filter(m -> MigrationVersion.fromVersion(m.version()).equals(p.getVersion())).findFirst().orElse(null);
            }
            if (f != null) {
                pendingFiles.add(f);
                pending.add(new MigrateResult.PendingMigration(f.version(), f.script(), options.dryRun() ? f.statements() : List.of()));
            }
        }
        // Goose versions being adopted are not "run": lint only what will really execute.
        List<MigrationFile> toRun = pendingFiles.stream().filter(f -> !(f.format() == MigrationFormat.GOOSE && adopt.contains(f.version())))
                .toList();
        LintReport lint = lintAgainstTarget(toRun);
        progress.line("Target %s: at version %s, %d pending (%s format)%s", target.describe(), before, pendingFiles.size(),
                set.format().name().toLowerCase(), adopt.isEmpty() ? "" : ", goose history found: " + adopt.size() + " version(s) to adopt");
        for (LintFinding f : lint.findings()) {
            progress.line("  lint %s", f.format());
        }
        if (!lint.blocking().isEmpty()) {
            progress.line("Lint found %d blocking error(s); nothing was migrated. Fix them, or allow a rule in the file with"
                    + " '-- dbpromote:allow <rule> <reason>'.", lint.blocking().size());
            return new MigrateResult(false, options.dryRun(), target.describe(), set.format(), before, before, pending, List.of(),
                    null, lint, Set.of(), null);
        }
        if (options.dryRun()) {
            return new MigrateResult(true, true, target.describe(), set.format(), before, before, pending, List.of(), null, lint,
                    Set.of(), null);
        }
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            if (failure.get() == null) {
                throw classify(e);
            }
        }
        String after = versionOf(flyway.info().current());
        Set<String> touchedTables = new LinkedHashSet<>();
        applied.stream().filter(a -> !a.adopted()).forEach(a -> touchedTables.addAll(touched.getOrDefault(a.version(), Set.of())));
        if (failure.get() != null) {
            touchedTables.addAll(touched.getOrDefault(failure.get().version(), Set.of()));
        }
        return new MigrateResult(failure.get() == null, false, target.describe(), set.format(), before, after, pending, applied,
                failure.get(), lint, touchedTables, forecast(applied, lint, options.rehearsal()));
    }

    /** Lint with the target's tables at hand: a drop or NOT NULL on a table that is empty (or new) there is not an error. */
    private LintReport lintAgainstTarget(List<MigrationFile> toRun) {
        if (toRun.isEmpty()) {
            return new Linter(options.allowedRules()).lint(toRun);
        }
        try (LintTarget db = LintTarget.connect(target)) {
            return new Linter(options.allowedRules()).lint(toRun, db);
        }
    }

    /** Applied, pending and failed migrations with versions, checksums and dates. */
    public InfoResult info() {
        try (Connection c = Jdbc.open(target)) {
            c.isValid(1);
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        Flyway flyway = inspector();
        try {
            List<InfoResult.Row> rows = new ArrayList<>();
            for (MigrationInfo i : flyway.info().all()) {
                rows.add(new InfoResult.Row(i.getVersion() == null ? null : i.getVersion().getVersion(), i.getDescription(),
                        i.getScript(), i.getState().getDisplayName(), i.getChecksum(),
                        i.getInstalledOn() == null ? null : i.getInstalledOn().toInstant(), i.getInstalledBy(), i.getExecutionTime()));
            }
            return new InfoResult(target.describe(), set.format(), versionOf(flyway.info().current()), rows);
        } catch (FlywayException e) {
            throw classify(e);
        }
    }

    /**
     * Forgets failed runs: removes failed rows from the history and the partial-progress records. For
     * after a person has checked (or undone) what a failed migration left in the database.
     */
    public List<String> repair() {
        List<String> cleared = new ArrayList<>();
        try (Connection c = Jdbc.open(target)) {
            Flyway flyway = inspector();
            for (MigrationInfo i : flyway.info().all()) {
                if (i.getState().isFailed() && i.getVersion() != null) {
                    deleteFailedRow(c, i.getVersion().getVersion());
                    cleared.add(i.getScript());
                }
            }
            for (String v : PartialProgress.versions(c)) {
                PartialProgress.clear(c, v);
                if (cleared.stream().noneMatch(s -> s.contains(v))) {
                    cleared.add("partial progress of version " + v);
                }
            }
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        return cleared;
    }

    /** A Flyway for reading history only; its executors are never called. */
    private Flyway inspector() {
        return flyway(f -> new StatementExecutor(f, Set.of(), Set.of(), Set.of(), progress, a -> { }, x -> { }));
    }

    private Flyway flyway(java.util.function.Function<MigrationFile, StatementExecutor> executors) {
        var config = Flyway.configure(getClass().getClassLoader())
                .dataSource(target.jdbcUrl(), target.user(), target.password().reveal())
                .table(options.historyTable())
                .locations(set.files().isEmpty() ? "filesystem:" + System.getProperty("java.io.tmpdir")
                        : "filesystem:" + set.files().get(0).path().getParent())
                .skipDefaultResolvers(true)
                .skipDefaultCallbacks(true)
                .resolvers(new SetResolver(set, executors))
                .cleanDisabled(true)
                .validateOnMigrate(false)
                .ignoreMigrationPatterns("*:pending")
                .createSchemas(false);
        if (adoptingGoose) {
            // goose's history is the truth: start ours empty (baseline 0) and adopt each goose version.
            config.baselineOnMigrate(true).baselineVersion("0").baselineDescription("adopted from goose_db_version");
        } else if (options.baselineVersion() != null) {
            config.baselineOnMigrate(true).baselineVersion(options.baselineVersion())
                    .baselineDescription("existing schema, baseline from dbpromote.yaml");
        }
        if (options.target() != null) {
            try {
                config.target(MigrationVersion.fromVersion(options.target()));
            } catch (RuntimeException e) {
                throw DbPromoteException.invalid("--target '" + options.target() + "' is not a version. Use a version of a"
                        + " migration, e.g. --target 3 or --target 20240101120000.");
            }
        }
        return config.load();
    }

    /** Refuses to run when applied migrations were changed after the fact, naming each. */
    private void validate(Flyway flyway) {
        ValidateResult result;
        try {
            result = flyway.validateWithResult();
        } catch (FlywayException e) {
            throw classify(e);
        }
        if (result.validationSuccessful) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (ValidateOutput o : result.invalidMigrations) {
            String what = o.filepath == null || o.filepath.isEmpty() ? "version " + o.version : o.filepath;
            String msg = o.errorDetails == null ? "invalid" : o.errorDetails.errorMessage;
            if (msg != null && msg.toLowerCase().contains("checksum mismatch")) {
                problems.add(what + " (version " + o.version + ") was changed after it was applied: " + oneLine(msg)
                        + ". Revert the file to what was applied and put the change in a new migration.");
            } else if (msg != null && msg.contains("not resolved locally")) {
                problems.add("version " + o.version + " (" + o.description + ") is applied in the database but has no file here."
                        + " Restore the file, or check you are pointing at the right database.");
            } else {
                problems.add(what + ": " + oneLine(msg));
            }
        }
        throw DbPromoteException.invalid("The migrations do not match the database's history (" + options.historyTable() + " on "
                + target.describe() + "); nothing was migrated:\n  - " + String.join("\n  - ", problems));
    }

    /** A failed row we can resume from is removed so Flyway runs the (fixed) file again; others need a person. */
    private void clearResumableFailures(Connection c) throws SQLException {
        Flyway flyway = inspector();
        MigrationInfo[] all;
        try {
            all = flyway.info().all();
        } catch (FlywayException e) {
            throw classify(e);
        }
        Set<String> partial = new LinkedHashSet<>(PartialProgress.versions(c));
        for (MigrationInfo i : all) {
            if (i.getState() != MigrationState.FAILED || i.getVersion() == null) {
                continue;
            }
            String v = i.getVersion().getVersion();
            if (partial.contains(v)) {
                deleteFailedRow(c, v);
            } else {
                throw DbPromoteException.invalid(i.getScript() + " (version " + v + ") is marked failed in " + options.historyTable()
                        + " by a run outside dbpromote, so which of its statements were applied is unknown. Check the database,"
                        + " undo or finish that migration by hand, then run 'dbpromote migrate repair' to clear the mark.");
            }
        }
    }

    private void deleteFailedRow(Connection c, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM `" + options.historyTable().replace("`", "``")
                + "` WHERE success = 0 AND version = ?")) {
            ps.setString(1, version);
            ps.executeUpdate();
        }
    }

    private DbPromoteException classify(FlywayException e) {
        if (e.getMessage() != null && e.getMessage().contains("but no schema history table")) {
            return DbPromoteException.invalid(target.describe() + " already has tables but no migration history ("
                    + options.historyTable() + "). If its schema came from earlier migrations run by other means, set"
                    + " migrations.baselineVersion in dbpromote.yaml to the last version it already has (those are then"
                    + " recorded, not run); if goose manages it, keep goose_db_version and its files in goose format;"
                    + " if the history table has another name, set migrations.table.", e);
        }
        Throwable t = e;
        while (t != null) {
            if (t instanceof SQLException sql) {
                return Jdbc.translate(target, sql);
            }
            t = t.getCause();
        }
        return DbPromoteException.external("Migration engine error on " + target.describe() + ": " + oneLine(e.getMessage()), e);
    }

    private static String versionOf(MigrationInfo current) {
        return current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").strip();
    }

    /** One line forecasting the production run: the clone holds production's data, so its timings are the estimate. */
    static String forecast(List<AppliedMigration> applied, LintReport lint, boolean rehearsal) {
        List<AppliedMigration> run = applied.stream().filter(a -> !a.adopted()).toList();
        if (run.isEmpty()) {
            return rehearsal ? "Nothing to forecast: no migration ran." : null;
        }
        if (!rehearsal) {
            return null; // not a clone of production's data: its timings say nothing about production
        }
        long total = run.stream().mapToLong(AppliedMigration::durationMillis).sum();
        AppliedMigration slowest = run.stream().max(Comparator.comparingLong(AppliedMigration::durationMillis)).orElseThrow();
        Map<String, Long> copyAlters = new HashMap<>();
        for (LintFinding f : lint.findings()) {
            if (f.rule().equals(Rule.TABLE_COPY_ALTER.id())) {
                copyAlters.merge(f.file(), 1L, Long::sum);
            }
        }
        String tables = slowest.tables().stream()
                .map(t -> t.table() + " ~" + t.rows() + " rows / " + Sizes.human(t.totalBytes()))
                .collect(Collectors.joining(", "));
        String locks = copyAlters.isEmpty() ? "" : "; " + copyAlters.keySet().stream().sorted().collect(Collectors.joining(", "))
                + " rebuild tables: expect writes to them to wait about as long";
        return String.format("Forecast for production: about %s for %d migration(s) at production's size (rehearsed on a copy"
                        + " of its data); slowest %s %s%s%s.",
                seconds(total), run.size(), slowest.script(), seconds(slowest.durationMillis()),
                tables.isEmpty() ? "" : " on " + tables, locks);
    }

    private static String seconds(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
