package dev.dbpromote.cli;

import dev.dbpromote.core.DbPromoteException;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every command shares, mixed in with {@code @Mixin} (like jbang's). Given before a subcommand
 * ({@code dbpromote migrate --dry-run --env dev repair}) they apply to it as well: picocli binds them
 * to the parent command, so the getters here also read the parent's — a {@code --dry-run} is never
 * silently dropped.
 */
public final class SharedOptions {

    static final String DEFAULT_CONFIG = "dbpromote.yaml";
    private static final Pattern PR = Pattern.compile("[0-9]{1,9}");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: " + DEFAULT_CONFIG + "). Reports go to .dbpromote/ beside it.")
    String config;

    @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "Environment from dbpromote.yaml (dev, staging, production, ...).")
    String env;

    @Option(names = "--pr", paramLabel = "N", description = "Pull request number, for per-PR environments.")
    String pr;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "Result on stdout: text or json (default: text). Progress always goes to stderr.")
    OutputFormat output;

    @Option(names = "--dry-run", description = "Show what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--stacktrace", description = "Print stack traces of errors (for bug reports).")
    boolean stacktrace;

    public enum OutputFormat { text, json }

    /** The environment, required: an error naming the flag when missing. */
    public String requireEnv() {
        String e = inherited(o -> o.env, "--env");
        if (e == null || e.isBlank()) {
            throw DbPromoteException.invalid("Missing --env. Name the environment from dbpromote.yaml, e.g. --env dev.");
        }
        return e;
    }

    /** The environment as given, or null. */
    String env() {
        return inherited(o -> o.env, "--env");
    }

    /** The PR number, validated: digits only (Jenkins' CHANGE_ID), or null when not given or empty. */
    public String pr() {
        String p = inherited(o -> o.pr, "--pr");
        if (p == null || p.isBlank()) {
            return null;
        }
        if (!PR.matcher(p.trim()).matches()) {
            throw DbPromoteException.invalid("--pr '" + p + "' is not a pull request number. Pass the number only"
                    + " (Jenkins: env.CHANGE_ID), e.g. --pr 42.");
        }
        return p.trim();
    }

    /** {@code --pr} was given with an empty value (Jenkins' CHANGE_ID on a branch build), not left out. */
    boolean prGivenEmpty() {
        String p = inherited(o -> o.pr, "--pr");
        return p != null && p.isBlank();
    }

    public String config() {
        String c = inherited(o -> o.config, "--config");
        return c == null ? DEFAULT_CONFIG : c;
    }

    public boolean dryRun() {
        SharedOptions parent = parent();
        return dryRun || parent != null && parent.dryRun();
    }

    public boolean json() {
        return inherited(o -> o.output, "--output") == OutputFormat.json;
    }

    /** This command's value, else the parent command's; the same option given both places must agree. */
    private <T> T inherited(Function<SharedOptions, T> field, String flag) {
        T own = field.apply(this);
        SharedOptions parent = parent();
        T theirs = parent == null ? null : parent.inherited(field, flag);
        if (own != null && theirs != null && !Objects.equals(own, theirs)) {
            throw DbPromoteException.invalid(flag + " is given twice with different values: '" + theirs + "' before the subcommand"
                    + " and '" + own + "' after it. Give it once.");
        }
        return own != null ? own : theirs;
    }

    /** The shared options of the command this one is a subcommand of, if it has them. */
    private SharedOptions parent() {
        if (mixee == null || mixee.parent() == null) {
            return null;
        }
        for (CommandSpec m : mixee.parent().mixins().values()) {
            if (m.userObject() instanceof SharedOptions s) {
                return s;
            }
        }
        return null;
    }
}
