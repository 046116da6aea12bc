package dev.dbpromote.migrate.lint;

import java.util.Arrays;
import java.util.Optional;

/**
 * Lint rules. The ids are stable: they appear in {@code -- dbpromote:allow <id> <reason>} lines and in
 * reports, so never rename one.
 */
public enum Rule {
    DROP_TABLE("drop-table", Severity.ERROR, "drops a table: its data is lost and running code that reads it breaks"),
    DROP_COLUMN("drop-column", Severity.ERROR, "drops a column: its data is lost and the running version of the service may still use it"),
    RENAME_TABLE("rename-table", Severity.ERROR, "renames a table: the running version of the service uses the old name until the deploy finishes"),
    RENAME_COLUMN("rename-column", Severity.ERROR, "renames a column: the running version of the service uses the old name until the deploy finishes"),
    TRUNCATE_TABLE("truncate-table", Severity.ERROR, "empties a table"),
    NOT_NULL_WITHOUT_DEFAULT("not-null-without-default", Severity.ERROR,
            "adds a NOT NULL column without a DEFAULT to an existing table: inserts by the running version fail"
                    + " (and the ALTER fails in strict mode on some servers)"),
    TABLE_COPY_ALTER("table-copy-alter", Severity.WARNING,
            "makes MySQL 8 / MariaDB rebuild or copy the table (ALGORITHM=COPY/INPLACE rebuild): time grows with the table's"
                    + " size and writes may block; see the rehearsal timing"),
    UNIQUE_INDEX_EXISTING("unique-index-existing-table", Severity.WARNING,
            "adds a unique index on an existing table: it fails if the data already has duplicates (the rehearsal on a"
                    + " production clone tells)"),
    NOT_NULL_EXISTING("set-not-null", Severity.WARNING,
            "makes an existing column NOT NULL: fails if rows hold NULL, and rebuilds the table"),
    BLUE_GREEN_INCOMPATIBLE("bluegreen-incompatible", Severity.WARNING,
            "breaks RDS Blue/Green replication from blue to green (row-based binlog replication needs compatible column"
                    + " order and types; AWS: make only replication-compatible changes); apply it right before switchover"),
    NARROWING_TYPE("narrowing-type", Severity.ERROR,
            "narrows a column's type (shorter string, smaller integer, fewer DECIMAL digits, text to number): values that do"
                    + " not fit make the ALTER fail in strict mode or are cut or rounded otherwise, and the running version may"
                    + " still write them"),
    RENAME_INDEX("rename-index", Severity.WARNING,
            "renames an index: queries and hints naming it (FORCE INDEX, USE INDEX) and tools that check it by name break"),
    NO_PRIMARY_KEY("no-primary-key", Severity.WARNING,
            "creates a table without a primary key: row-based replication (read replicas, Blue/Green) scans the whole table"
                    + " for each changed row"),
    ALLOW_WITHOUT_REASON("allow-without-reason", Severity.ERROR, "allows a lint rule without saying why"),
    UNKNOWN_RULE("unknown-allow-rule", Severity.ERROR, "allows a rule that does not exist"),
    UNPARSED("unparsed-statement", Severity.WARNING,
            "could not be read; only keyword checks were applied, and what it changes is not known to later statements");

    private final String id;
    private final Severity severity;
    private final String explanation;

    Rule(String id, Severity severity, String explanation) {
        this.id = id;
        this.severity = severity;
        this.explanation = explanation;
    }

    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public String explanation() {
        return explanation;
    }

    public static Optional<Rule> byId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
