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
            b.append("  State: no statement of ").append(script).append(" was applied");
        } else {
            b.append("  State: ").append(statements(statementsApplied)).append(" of ").append(script)
                    .append(statementsApplied == 1 ? " is" : " are")
                    .append(" applied and stay").append(statementsApplied == 1 ? "s" : "")
                    .append(" applied (MySQL commits DDL immediately; it cannot be rolled back)");
        }
        if (rolledBack > 0) {
            b.append("; ").append(rolledBack).append(rolledBack == 1 ? " statement" : " statements")
                    .append(" after the last DDL ").append(rolledBack == 1 ? "was" : "were").append(" rolled back");
        }
        b.append(".\n  Fix: correct statement ").append(statement);
        if (statement < statementsTotal) {
            b.append(" (and later ones if needed)");
        }
        b.append(" in ").append(script);
        if (statementsApplied > 0) {
            b.append(", leave ").append(statements(statementsApplied)).append(statementsApplied == 1 ? " as it is" : " as they are");
        }
        b.append(", and run migrate again: it ").append(statementsApplied == 0 ? "runs the file from statement 1"
                : "resumes at statement " + (statementsApplied + 1))
                .append(". Later migrations were not run and no later environment is touched.");
        return b.toString();
    }

    /** "statement 1" or "statements 1-3": the first {@code n} statements of a file ({@code n} at least 1). */
    static String statements(int n) {
        return n == 1 ? "statement 1" : "statements 1-" + n;
    }
}
