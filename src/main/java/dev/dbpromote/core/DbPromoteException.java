package dev.dbpromote.core;

/**
 * Base of the exceptions a user can act on. The {@link Kind} decides the exit code the CLI maps it to
 * (the domain packages never see exit codes): invalid input is the user's to fix, an external failure
 * is a system that did not answer as expected.
 */
public class DbPromoteException extends RuntimeException {

    /** What went wrong, in the terms of DESIGN.md's exit codes. */
    public enum Kind {
        /** Bad config, flags, files or names: exit 2, nothing was changed. */
        INVALID_INPUT,
        /** An external system (database, AWS, Kubernetes) failed or timed out: exit 3. */
        EXTERNAL
    }

    private final Kind kind;

    public DbPromoteException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DbPromoteException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static DbPromoteException invalid(String message) {
        return new DbPromoteException(Kind.INVALID_INPUT, message);
    }

    public static DbPromoteException invalid(String message, Throwable cause) {
        return new DbPromoteException(Kind.INVALID_INPUT, message, cause);
    }

    public static DbPromoteException external(String message, Throwable cause) {
        return new DbPromoteException(Kind.EXTERNAL, message, cause);
    }

    public static DbPromoteException external(String message) {
        return new DbPromoteException(Kind.EXTERNAL, message);
    }
}
