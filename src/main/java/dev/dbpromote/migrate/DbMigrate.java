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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
     * @param placeholders Flyway placeholders for the SQL callbacks Flyway runs (null: placeholder replacement off)
     * @param blueGreen the target is a blue/green green: changes that break replication from blue are lint errors
     */
    public record Options(String historyTable, String target, boolean dryRun, List<String> allowedRules, String baselineVersion,
            boolean rehearsal, Map<String, String> placeholders, boolean blueGreen) {
        public Options(String historyTable, String target, boolean dryRun, List<String> allowedRules, String baselineVersion,
                boolean rehearsal) {
            this(historyTable, target, dryRun, allowedRules, baselineVersion, rehearsal, Map.of(), false);
        }

        public Options(String historyTable, String target, boolean dryRun, List<String> allowedRules, String baselineVersion,
                boolean rehearsal, Map<String, String> placeholders) {
            this(historyTable, target, dryRun, allowedRules, baselineVersion, rehearsal, placeholders, false);
        }

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
        Map<String, Integer> resuming = new LinkedHashMap<>();
        try (Connection c = Jdbc.open(target)) {
            if (set.format() == MigrationFormat.GOOSE) {
                gooseApplied = GooseLedger.applied(c);
                adoptingGoose = !gooseApplied.isEmpty();
            }
            for (String v : resumableFailures(c, !options.dryRun())) {
                resuming.put(v, PartialProgress.find(c, v).map(PartialProgress.Entry::applied).orElse(0));
            }
            partialVersions = Set.copyOf(PartialProgress.versions(c));
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        Map<String, Set<String>> touched = Linter.touchedTables(set.files());
        List<AppliedMigration> applied = new ArrayList<>();
        AtomicReference<MigrationFailure> failure = new AtomicReference<>();
        Set<String> adopt = gooseApplied;
        Flyway inspector = inspector();
        // A dry run leaves a resumable failed row where it is, so its check must not stop at it.
        validate(inspector, options.dryRun() ? resuming.keySet() : Set.of());
        MigrationInfo[] all = inspector.info().all();
        String before = currentVersion(all);
        List<MigrationFile> pendingFiles = new ArrayList<>();
        List<MigrateResult.PendingMigration> pending = new ArrayList<>();
        List<MigrationInfo> pendingInfo = new ArrayList<>();
        for (MigrationInfo i : all) {
            if (options.dryRun() && i.getState().isFailed() && resuming.containsKey(key(i))) {
                pendingInfo.add(i); // resumed by the real run
            }
        }
        pendingInfo.addAll(List.of(inspector.info().pending()));
        for (MigrationInfo p : pendingInfo) {
            MigrationFile f = p.getVersion() == null ? set.repeatable(p.getScript()) : set.byVersion(p.getVersion().getVersion());
            if (f == null && p.getVersion() != null) {
                f = set.files().stream().filter(m -> MigrationVersion.fromVersion(m.version()).equals(p.getVersion())).findFirst().orElse(null);
            }
            if (f != null) {
                pendingFiles.add(f);
                // A resumed file runs from the statement after the last one the failed run applied.
                int from = options.dryRun() ? Math.min(resuming.getOrDefault(key(p), 0), f.statements().size()) : 0;
                pending.add(new MigrateResult.PendingMigration(f.version(), f.script(),
                        options.dryRun() ? f.statements().subList(from, f.statements().size()) : List.of()));
            }
        }
        // Goose versions being adopted are not "run": lint only what will really execute. Repeatable migrations
        // (views, routines re-created on change) are not linted.
        List<MigrationFile> toRun = pendingFiles.stream().filter(f -> !f.repeatable())
                .filter(f -> !(f.format() == MigrationFormat.GOOSE && adopt.contains(f.version())))
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
        Flyway flyway = flyway(f -> new StatementExecutor(f, f.repeatable() ? Set.of() : touched.getOrDefault(f.version(), Set.of()),
                adopt, partialVersions, progress, applied::add, failure::set), true);
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            if (failure.get() == null) {
                throw classify(e);
            }
        }
        // The last version that is applied in full: a failed one is not "current" (its file is resumed on the next run).
        String after = currentVersion(inspector.info().all());
        Set<String> touchedTables = new LinkedHashSet<>();
        applied.stream().filter(a -> !a.adopted() && a.version() != null)
                .forEach(a -> touchedTables.addAll(touched.getOrDefault(a.version(), Set.of())));
        if (failure.get() != null && failure.get().version() != null) {
            touchedTables.addAll(touched.getOrDefault(failure.get().version(), Set.of()));
        }
        return new MigrateResult(failure.get() == null, false, target.describe(), set.format(), before, after, pending, applied,
                failure.get(), lint, touchedTables, forecast(applied, lint, options.rehearsal()));
    }

    /** Executors for a Flyway that only reads history: never called, as it never migrates. */
    private StatementExecutor readOnly(MigrationFile f) {
        return new StatementExecutor(f, Set.of(), Set.of(), Set.of(), progress, a -> { }, x -> { });
    }

    /** The highest version applied successfully ("none" before the first); failed rows do not count. */
    static String currentVersion(MigrationInfo[] all) {
        MigrationVersion current = null;
        for (MigrationInfo i : all) {
            if (i.getVersion() != null && i.getState().isApplied() && !i.getState().isFailed()
                    && (current == null || i.getVersion().isNewerThan(current))) {
                current = i.getVersion();
            }
        }
        return current == null ? "none" : current.getVersion();
    }

    private static String key(MigrationInfo i) {
        return i.getVersion() != null ? i.getVersion().getVersion() : i.getScript();
    }

    /** Lint with the target's tables at hand: a drop or NOT NULL on a table that is empty (or new) there is not an error. */
    private LintReport lintAgainstTarget(List<MigrationFile> toRun) {
        if (toRun.isEmpty()) {
            return new Linter(options.allowedRules(), options.blueGreen()).lint(toRun);
        }
        try (LintTarget db = LintTarget.connect(target)) {
            return new Linter(options.allowedRules(), options.blueGreen()).lint(toRun, db);
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
            return new InfoResult(target.describe(), set.format(), currentVersion(flyway.info().all()), rows);
        } catch (FlywayException e) {
            throw classify(e);
        }
    }

    /**
     * Forgets failed runs: removes failed rows from the history and the partial-progress records. For
     * after a person has checked (or undone) what a failed migration left in the database. Says first,
     * per migration, which of its statements are in the database: the next migrate runs the file from its
     * first statement again, so what they did must be undone first. With {@code dryRun} in the options it
     * only lists what it would clear.
     */
    public List<String> repair() {
        List<String> cleared = new ArrayList<>();
        try (Connection c = Jdbc.open(target)) {
            Flyway flyway = inspector();
            List<MigrationInfo> failed = new ArrayList<>();
            for (MigrationInfo i : flyway.info().all()) {
                if (i.getState().isFailed()) {
                    failed.add(i);
                    cleared.add(i.getScript());
                }
            }
            List<String> partial = PartialProgress.versions(c);
            for (String v : partial) {
                if (cleared.stream().noneMatch(s -> s.contains(v))) {
                    cleared.add("partial progress of version " + v);
                }
            }
            warnStatementsRunAgain(c, failed.stream().map(DbMigrate::key).toList(), partial);
            if (options.dryRun()) {
                progress.line("Dry run: nothing was cleared on %s.", target.describe());
                return cleared;
            }
            for (MigrationInfo i : failed) {
                deleteFailedRow(c, i);
            }
            for (String v : partial) {
                PartialProgress.clear(c, v);
            }
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        } catch (FlywayException e) {
            throw classify(e);
        }
        return cleared;
    }

    /** What repair tells a person before it forgets a failed run: the next migrate starts that file over. */
    private void warnStatementsRunAgain(Connection c, List<String> failed, List<String> partial) throws SQLException {
        Set<String> versions = new LinkedHashSet<>(failed);
        versions.addAll(partial);
        for (String v : versions) {
            MigrationFile f = set.byVersion(v) != null ? set.byVersion(v) : set.repeatable(v);
            String script = f != null ? f.script() : "version " + v;
            var entry = PartialProgress.find(c, v);
            if (entry.isPresent() && entry.get().applied() == 0) {
                progress.line("  %s: none of its statements was applied; the next migrate runs it from statement 1.", script);
            } else if (entry.isPresent()) {
                int n = entry.get().applied();
                progress.line("  WARNING %s: %s applied by the failed run and stay%s in the database. After repair the next"
                        + " migrate runs %s from statement 1 again, so %s again (e.g. 'Duplicate key name', 'Table already"
                        + " exists') unless you undo %s by hand first. To keep them and resume instead, do not repair: fix"
                        + " the failing statement and re-run migrate.", script,
                        n == 1 ? "statement 1 was" : "statements 1-" + n + " were", n == 1 ? "s" : "", script,
                        n == 1 ? "that statement runs" : "those statements run", n == 1 ? "its effect" : "their effect");
            } else {
                progress.line("  WARNING %s: marked failed by a run outside dbpromote, so which of its statements are in the"
                        + " database is unknown. After repair the next migrate runs it from statement 1 again: undo what it"
                        + " applied first.", script);
            }
        }
    }

    /** A Flyway for reading history only: no callbacks, its executors are never called. */
    private Flyway inspector() {
        return flyway(this::readOnly, false);
    }

    /**
     * @param callbacks let Flyway run the set's SQL callbacks (only for the real migrate: Flyway fires them in its own
     *     order — beforeMigrate, beforeEachMigrate, afterEachMigrate(Error), beforeRepeatables, afterVersioned,
     *     afterMigrate(Applied|Error), and the validate ones as migrate validates first)
     */
    private Flyway flyway(Function<MigrationFile, StatementExecutor> executors, boolean callbacks) {
        boolean runCallbacks = callbacks && !set.callbacks().isEmpty();
        var config = Flyway.configure(getClass().getClassLoader())
                .dataSource(target.jdbcUrl(), target.user(), target.password().reveal())
                .table(options.historyTable())
                .locations(runCallbacks ? callbackLocations() : new String[] {"filesystem:" + (set.files().isEmpty()
                        ? System.getProperty("java.io.tmpdir") : set.files().get(0).path().getParent())})
                .skipDefaultResolvers(true)
                .skipDefaultCallbacks(!runCallbacks)
                .resolvers(new SetResolver(set, executors))
                .cleanDisabled(true)
                .validateOnMigrate(runCallbacks)
                .ignoreMigrationPatterns("*:pending")
                .placeholderReplacement(options.placeholders() != null)
                .createSchemas(false);
        if (options.placeholders() != null) {
            config.placeholders(options.placeholders());
        }
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

    /**
     * Refuses to run when applied migrations were changed after the fact, naming each.
     *
     * @param resumable failed rows (by version or script) the run resumes, not problems
     */
    private void validate(Flyway flyway, Set<String> resumable) {
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
            if (resumable.contains(o.version) || resumable.stream().anyMatch(r -> o.filepath != null && o.filepath.endsWith(r))) {
                continue;
            }
            String what = o.filepath == null || o.filepath.isEmpty() ? "version " + o.version : o.filepath;
            String msg = o.errorDetails == null ? "invalid" : o.errorDetails.errorMessage;
            if (msg != null && msg.toLowerCase().contains("checksum mismatch")) {
                problems.add(what + (o.version == null || o.version.isEmpty() ? "" : " (version " + o.version + ")")
                        + " was changed after it was applied: " + flywayText(msg)
                        + ". Revert the file to what was applied and put the change in a new migration.");
            } else if (msg != null && msg.contains("not resolved locally")) {
                problems.add("version " + o.version + " (" + o.description + ") is applied in the database but has no file here."
                        + " Restore the file, or check you are pointing at the right database.");
            } else {
                problems.add(what + ": " + flywayText(msg) + ".");
            }
        }
        if (problems.isEmpty()) {
            return;
        }
        throw DbPromoteException.invalid("The migrations do not match the database's history (" + options.historyTable() + " on "
                + target.describe() + "); nothing was migrated:\n  - " + String.join("\n  - ", problems));
    }

    /** The callback script a Flyway error came from ("Error while executing afterMigrate callback: …"), or null. */
    private String callbackFailure(FlywayException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        for (Path p : set.callbacks()) {
            String name = p.getFileName().toString();
            String event = name.substring(0, name.length() - 4).split("__")[0];
            if (m.contains(name) || m.contains(event + " callback")) {
                return name;
            }
        }
        return null;
    }

    /** Where Flyway looks for the callback scripts: the outermost folders holding them. */
    private String[] callbackLocations() {
        List<Path> dirs = set.callbacks().stream().map(Path::getParent).distinct().toList();
        return dirs.stream().filter(d -> dirs.stream().noneMatch(o -> !o.equals(d) && d.startsWith(o)))
                .map(d -> "filesystem:" + d).toArray(String[]::new);
    }

    /**
     * Failed rows we can resume from (their partial progress is recorded), by version or, for a repeatable
     * migration, script. Removed (when {@code clear}) so Flyway runs the fixed file again; others need a person.
     */
    private Set<String> resumableFailures(Connection c, boolean clear) throws SQLException {
        Flyway flyway = inspector();
        MigrationInfo[] all;
        try {
            all = flyway.info().all();
        } catch (FlywayException e) {
            throw classify(e);
        }
        Set<String> partial = new LinkedHashSet<>(PartialProgress.versions(c));
        Set<String> resumable = new LinkedHashSet<>();
        for (MigrationInfo i : all) {
            if (i.getState() != MigrationState.FAILED) {
                continue;
            }
            String v = key(i);
            if (partial.contains(v)) {
                resumable.add(v);
                if (clear) {
                    deleteFailedRow(c, i);
                }
            } else {
                throw DbPromoteException.invalid(i.getScript() + (i.getVersion() == null ? "" : " (version " + v + ")")
                        + " is marked failed in " + options.historyTable()
                        + " by a run outside dbpromote, so which of its statements were applied is unknown. Check the database,"
                        + " undo or finish that migration by hand, then run 'dbpromote migrate repair' to clear the mark.");
            }
        }
        return resumable;
    }

    private void deleteFailedRow(Connection c, MigrationInfo failed) throws SQLException {
        if (failed.getVersion() != null) {
            deleteFailedRow(c, failed.getVersion().getVersion());
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM `" + options.historyTable().replace("`", "``")
                + "` WHERE success = 0 AND version IS NULL AND script = ?")) {
            ps.setString(1, failed.getScript()); // a repeatable migration
            ps.executeUpdate();
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
        String callback = callbackFailure(e);
        Throwable t = e;
        while (t != null) {
            if (t instanceof SQLException sql) {
                DbPromoteException translated = Jdbc.translate(target, sql);
                if (callback != null) {
                    return new DbPromoteException(translated.kind(), "Flyway SQL callback " + callback + " failed on "
                            + target.describe() + ": " + translated.getMessage() + " Fix the callback script and run migrate again;"
                            + " migrations applied before it stay applied.", e);
                }
                return translated;
            }
            t = t.getCause();
        }
        return DbPromoteException.external("Migration engine error on " + target.describe() + ": " + flywayText(e.getMessage()) + ".", e);
    }

    /**
     * Flyway's own message, embedded in ours: one line, no final period (we end the sentence), and without
     * Flyway's advice to "run repair" — Flyway's repair rewrites checksums, dbpromote's only forgets failed runs,
     * so that advice would contradict the fix we give.
     */
    static String flywayText(String s) {
        String t = oneLine(s)
                .replaceAll("(?i)\\s*Either revert the changes to the migration,? or run repair to update the schema history\\.?", "")
                .replaceAll("(?i)\\s*[^.]*\\brun repair\\b[^.]*\\.?", "")
                .strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
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
