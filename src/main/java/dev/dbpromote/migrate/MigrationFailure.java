package dev.dbpromote.migrate;

/**
 * Where a migration stopped and what it left behind (MySQL DDL is not transactional).
 *
 * @param statementsApplied statements of this file that stay applied (committed) after the failure
 * @param rolledBack statements that ran but were rolled back with the failed one's transaction
 */
public record MigrationFailure(
        String version,
        String script,
        int statement,
        int line,
        String sql,
        String error,
        int sqlErrorCode,
        int statementsApplied,
        int rolledBack,
        int statementsTotal) {

    /** The message a person reads: the file, the statement and its line, and what state the database is in. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(script).append(" failed at statement ").append(statement).append(" of ").append(statementsTotal)
                .append(" (line ").append(line).append("): ").append(error).append('\n');
        b.append("  statement: ").append(sql.strip().lines().findFirst().orElse("")).append('\n');
        if (statementsApplied == 0) {
            b.append("  State: nothing of ").append(script).append(" is applied");
        } else {
            b.append("  State: statements 1-").append(statementsApplied).append(" of ").append(script)
                    .append(" are applied and stay applied (MySQL commits DDL immediately; it cannot be rolled back)");
        }
        if (rolledBack > 0) {
            b.append("; ").append(rolledBack).append(" statement(s) after the last DDL were rolled back");
        }
        b.append(".\n  Fix: correct statement ").append(statement).append(" (and later ones) in ").append(script)
                .append(", leave statements 1-").append(Math.max(statementsApplied, 0))
                .append(" as they are, and run migrate again: it resumes at statement ").append(statementsApplied + 1)
                .append(". Later migrations were not run and no later environment is touched.");
        return b.toString();
    }
}
