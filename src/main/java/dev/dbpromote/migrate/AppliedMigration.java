package dev.dbpromote.migrate;

import java.util.List;

/**
 * One migration this run applied (or adopted from goose), with what the rehearsal measured.
 *
 * @param adopted recorded from goose_db_version, not run
 * @param resumedAt statement the run started at (1 normally; later when resuming a partial failure)
 * @param tables sizes of the tables it touched, measured before it ran
 */
public record AppliedMigration(String version, String script, long durationMillis, int statements, boolean adopted,
        int resumedAt, List<TableStats> tables) {
}
