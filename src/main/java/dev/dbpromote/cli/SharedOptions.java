package dev.dbpromote.cli;

import dev.dbpromote.core.DbPromoteException;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Options every command shares, mixed in with {@code @Mixin} (like jbang's). */
public final class SharedOptions {

    private static final Pattern PR = Pattern.compile("[0-9]{1,9}");

    @Option(names = {"-c", "--config"}, defaultValue = "dbpromote.yaml", paramLabel = "FILE",
            description = "Config file (default: ${DEFAULT-VALUE}). Reports go to .dbpromote/ beside it.")
    String config;

    @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "Environment from dbpromote.yaml (dev, staging, production, ...).")
    String env;

    @Option(names = "--pr", paramLabel = "N", description = "Pull request number, for per-PR environments.")
    String pr;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            description = "Result on stdout: text or json (default: ${DEFAULT-VALUE}). Progress always goes to stderr.")
    OutputFormat output;

    @Option(names = "--dry-run", description = "Show what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--stacktrace", description = "Print stack traces of errors (for bug reports).")
    boolean stacktrace;

    public enum OutputFormat { text, json }

    /** The environment, required: an error naming the flag when missing. */
    public String requireEnv() {
        if (env == null || env.isBlank()) {
            throw DbPromoteException.invalid("Missing --env. Name the environment from dbpromote.yaml, e.g. --env dev.");
        }
        return env;
    }

    /** The PR number, validated: digits only (Jenkins' CHANGE_ID), or null. */
    public String pr() {
        if (pr == null || pr.isBlank()) {
            return null;
        }
        if (!PR.matcher(pr.trim()).matches()) {
            throw DbPromoteException.invalid("--pr '" + pr + "' is not a pull request number. Pass the number only"
                    + " (Jenkins: env.CHANGE_ID), e.g. --pr 42.");
        }
        return pr.trim();
    }

    public String config() {
        return config;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public boolean json() {
        return output == OutputFormat.json;
    }
}
