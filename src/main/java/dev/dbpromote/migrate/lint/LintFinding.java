package dev.dbpromote.migrate.lint;

/**
 * One lint finding.
 *
 * @param allowedReason the reason given in {@code -- dbpromote:allow}, or null when not allowed
 */
public record LintFinding(String rule, Severity severity, String file, int line, String statement, String message,
        String allowedReason) {

    /** Blocks a migrate: an error nobody allowed. */
    public boolean blocking() {
        return severity == Severity.ERROR && allowedReason == null;
    }

    /** {@code V3__x.sql:12: error drop-column: …}; an allowed finding reads {@code allowed drop-column: … (allowed: reason)}. */
    public String format() {
        return file + ":" + line + ": " + label() + " " + rule + ": " + message
                + (allowedReason != null ? " (allowed: " + allowedReason + ")" : "");
    }

    /** {@code error}, {@code warning}, {@code info}, or {@code allowed} when the file allows the rule with a reason. */
    public String label() {
        return allowedReason != null ? "allowed" : severity.name().toLowerCase(java.util.Locale.ROOT);
    }
}
