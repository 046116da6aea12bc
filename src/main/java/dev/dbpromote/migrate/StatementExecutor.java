package dev.dbpromote.migrate;

import dev.dbpromote.core.Progress;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.flywaydb.core.api.executor.Context;
import org.flywaydb.core.api.executor.MigrationExecutor;
import org.flywaydb.core.internal.jdbc.Results;

/**
 * Runs one migration statement by statement for Flyway. We run statements ourselves (instead of
 * Flyway's SQL executor) to know exactly which ones stayed applied when one fails — MySQL commits
 * DDL implicitly, so a failed migration is usually half applied — and to resume after them.
 *
 * <p>Transactions: a transactional migration runs with autocommit off, so DML is rolled back on
 * failure; every DDL statement commits implicitly (MySQL "Statements That Cause an Implicit Commit"),
 * which is how we know what stays applied.
 */
final class StatementExecutor implements MigrationExecutor {

    private static final Pattern IMPLICIT_COMMIT = Pattern.compile(
            "(?is)^(CREATE|ALTER|DROP|RENAME|TRUNCATE|LOCK\\s+TABLES|UNLOCK\\s+TABLES|GRANT|REVOKE|ANALYZE|OPTIMIZE|REPAIR)\\b.*");
    private static final Pattern TEMPORARY = Pattern.compile("(?is)^(CREATE|DROP)\\s+TEMPORARY\\b.*");

    private final MigrationFile file;
    private final Set<String> touchedTables;
    private final Set<String> gooseApplied;
    private final Set<String> partialVersions;
    private final Progress progress;
    private final Consumer<AppliedMigration> onApplied;
    private final Consumer<MigrationFailure> onFailed;

    /** @param partialVersions versions with partial progress recorded, read once per run (not per migration) */
    StatementExecutor(MigrationFile file, Set<String> touchedTables, Set<String> gooseApplied, Set<String> partialVersions,
            Progress progress, Consumer<AppliedMigration> onApplied, Consumer<MigrationFailure> onFailed) {
        this.file = file;
        this.touchedTables = touchedTables;
        this.gooseApplied = gooseApplied;
        this.partialVersions = partialVersions;
        this.progress = progress;
        this.onApplied = onApplied;
        this.onFailed = onFailed;
    }

    @Override
    public List<Results> execute(Context context) throws SQLException {
        Connection c = context.getConnection();
        if (file.format() == MigrationFormat.GOOSE && gooseApplied.contains(file.version())) {
            progress.line("  %s: applied earlier by goose (goose_db_version); recorded, not run again", file.script());
            onApplied.accept(new AppliedMigration(file.version(), file.script(), 0, file.statements().size(), true, 0, List.of()));
            return List.of();
        }
        int start = 0;
        Optional<PartialProgress.Entry> partial = partialVersions.contains(file.key())
                ? PartialProgress.find(c, file.key()) : Optional.empty();
        if (partial.isPresent()) {
            start = PartialProgress.resumeAt(partial.get(), file);
            if (start > 0) {
                progress.line("  %s: resuming at statement %d (line %d); %s applied by the failed run",
                        file.script(), start + 1, start < file.statements().size() ? file.statements().get(start).line() : 0,
                        MigrationFailure.statements(start) + (start == 1 ? " was" : " were"));
            }
        }
        List<TableStats> stats = TableStats.measure(c, touchedTables);
        long t0 = System.nanoTime();
        boolean autoCommit = c.getAutoCommit();
        int committed = start;
        int executed = start;
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(!file.transactional());
            for (int i = start; i < file.statements().size(); i++) {
                SqlStatement st = file.statements().get(i);
                try {
                    s.execute(st.sql());
                } catch (SQLException e) {
                    if (file.transactional()) {
                        c.rollback();
                    }
                    c.setAutoCommit(true);
                    int kept = file.transactional() ? committed : i;
                    PartialProgress.save(c, file, kept, e.getMessage());
                    onFailed.accept(new MigrationFailure(file.version(), file.script(), st.index(), st.line(), st.sql(),
                            e.getMessage(), e.getErrorCode(), kept, executed - kept, file.statements().size()));
                    throw e;
                }
                executed = i + 1;
                if (!file.transactional() || implicitCommit(st.sql())) {
                    committed = i + 1;
                }
            }
            if (file.transactional()) {
                c.commit();
            }
            c.setAutoCommit(true);
            if (partial.isPresent()) {
                PartialProgress.clear(c, file.key());
            }
            if (file.format() == MigrationFormat.GOOSE && GooseLedger.exists(c)) {
                GooseLedger.record(c, file.version());
            }
        } finally {
            if (c.getAutoCommit() != autoCommit) {
                c.setAutoCommit(autoCommit);
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        progress.line("  %s: %d statement(s) in %d ms%s", file.script(), file.statements().size() - start, millis,
                stats.isEmpty() ? "" : " (" + describe(stats) + ")");
        onApplied.accept(new AppliedMigration(file.version(), file.script(), millis, file.statements().size(), false, start + 1, stats));
        return List.of();
    }

    static boolean implicitCommit(String sql) {
        return IMPLICIT_COMMIT.matcher(sql).matches() && !TEMPORARY.matcher(sql).matches();
    }

    private static String describe(List<TableStats> stats) {
        StringBuilder b = new StringBuilder();
        for (TableStats t : stats) {
            b.append(b.length() == 0 ? "" : ", ").append(t.table()).append(" ~").append(t.rows()).append(" rows/")
                    .append(Sizes.human(t.totalBytes()));
        }
        return b.toString();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return false; // we manage the transaction per statement ourselves, see the class comment
    }

    @Override
    public boolean shouldExecute() {
        return true;
    }

}
