package dev.dbpromote.migrate;

import dev.dbpromote.migrate.lint.LintReport;
import java.util.List;
import java.util.Set;

/**
 * What {@code dbpromote migrate} did: the JSON report's content.
 *
 * @param pending migrations that were pending before the run (with their SQL in a dry run)
 * @param touchedTables tables the applied migrations changed (the validation step lists, not fails, them)
 * @param forecast one line forecasting the production run from the rehearsal
 */
public record MigrateResult(
        boolean success,
        boolean dryRun,
        String database,
        MigrationFormat format,
        String versionBefore,
        String versionAfter,
        List<PendingMigration> pending,
        List<AppliedMigration> applied,
        MigrationFailure failure,
        LintReport lint,
        Set<String> touchedTables,
        String forecast) {

    /** A migration waiting to run; {@code statements} filled in dry runs. */
    public record PendingMigration(String version, String script, List<SqlStatement> statements) {
    }

    public long totalMillis() {
        return applied.stream().mapToLong(AppliedMigration::durationMillis).sum();
    }
}
