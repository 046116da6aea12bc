package dev.dbpromote.cli;

/** The exit codes every command uses (README: "Exit codes"). */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The step ran and found a problem: failed validation, failed rollout, lint error, failed migration. */
    public static final int FOUND_PROBLEM = 1;
    /** Invalid input or config; nothing was changed. */
    public static final int INVALID_INPUT = 2;
    /** An external system (database, AWS, Kubernetes) failed or timed out. */
    public static final int EXTERNAL_FAILURE = 3;
    /** A bug in dbpromote. */
    public static final int INTERNAL_ERROR = 4;

    private ExitCode() {
    }
}
