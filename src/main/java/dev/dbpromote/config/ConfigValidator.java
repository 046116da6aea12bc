package dev.dbpromote.config;

import dev.dbpromote.core.DbPromoteException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks what binding cannot: one source kind, known enum values, durations that parse, names that
 * are usable. All problems are collected and reported together, each with its line.
 */
final class ConfigValidator {

    private static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern ENV_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");

    private final Path file;
    private final YamlLines lines;
    private final List<String> problems = new ArrayList<>();

    ConfigValidator(Path file, String text) {
        this.file = file;
        this.lines = YamlLines.of(text);
    }

    void validate(Config c) {
        if (!APP_NAME.matcher(c.app()).matches()) {
            problem("app", "app '" + c.app() + "' must be 1-40 lowercase letters, digits or '-', starting with a letter"
                    + " (it becomes part of database, instance and namespace names)");
        }
        SourceConfig s = c.source();
        int kinds = (s.rds() != null ? 1 : 0) + (s.aurora() != null ? 1 : 0) + (s.mysql() != null ? 1 : 0);
        if (kinds != 1) {
            problem("source", "source needs exactly one of 'rds', 'aurora' or 'mysql' (found " + kinds + ")");
        }
        credentials("source", s);
        oneOf("migrations.format", c.migrations().format(), Set.of("auto", "flyway", "goose"));
        version("migrations.baselineVersion", c.migrations().baselineVersion());
        version("migrations.lintFrom", c.migrations().lintFrom());
        oneOf("promote.from", c.promote().from(), Set.of("main", "pr"));
        duration("promote.gateTimeout", c.promote().gateTimeout());
        if (c.deploy() != null) {
            deploy(c.deploy());
        }
        if (c.validate() != null) {
            oneOf("validate.compare", c.validate().compare(), Set.of("source", "none"));
            if (c.validate().sampleRows() < 0 || c.validate().sampleRows() > 1000) {
                problem("validate.sampleRows", "validate.sampleRows must be from 0 to 1000 (rows fetched per failed expectation), got "
                        + c.validate().sampleRows());
            }
            if (c.validate().compareChunkKeys() < 1) {
                problem("validate.compareChunkKeys", "validate.compareChunkKeys must be a positive number of primary-key values"
                        + " per fingerprint query, got " + c.validate().compareChunkKeys());
            }
            for (String name : c.validate().parameters().keySet()) {
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problem("validate.parameters." + name, "suite parameter name '" + name + "' must be letters, digits or '_'"
                            + " (it is referenced as $" + name + " in the suite)");
                }
            }
        }
        if (c.environments().isEmpty()) {
            problem("environments", "at least one environment is needed (e.g. 'dev' with strategy: clone)");
        }
        for (Map.Entry<String, EnvironmentConfig> e : c.environments().entrySet()) {
            String at = "environments." + e.getKey();
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                problem(at, "environment name '" + e.getKey() + "' must be lowercase letters, digits or '-', starting with a letter");
            }
            DatabaseConfig db = e.getValue().database();
            oneOf(at + ".database.strategy", db.strategy(), Set.of("clone", "in-place", "blue-green"));
            if (db.ttl() != null) {
                duration(at + ".database.ttl", db.ttl());
            }
            if (db.isClone() && e.getValue().isProtected()) {
                problem(at + ".database.strategy", "a protected environment cannot use strategy: clone"
                        + " (clones are deleted when they expire); use strategy: in-place");
            }
            if ("in-place".equals(db.strategy()) && db.host() == null && db.rds() == null && db.aurora() == null && db.mysql() == null) {
                problem(at + ".database", "strategy: in-place needs where the database is: 'host' (and 'port'),"
                        + " or 'rds: {instance: …}', or 'aurora: {cluster: …}'");
            }
            credentials(at + ".database", db);
            if (db.waitTimeout() != null) {
                duration(at + ".database.waitTimeout", db.waitTimeout());
            }
            for (Map.Entry<String, String> m : db.mask().entrySet()) {
                String where = at + ".database.mask." + m.getKey();
                MaskRules.check(m.getKey(), m.getValue()).ifPresent(p -> problem(where, p));
            }
            JenkinsCredentials jc = e.getValue().credentials();
            if (jc != null) {
                for (String var : jc.passwords().keySet()) {
                    if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        problem(at + ".credentials.passwords", "'" + var + "' is not an environment variable name; use the"
                                + " passwordEnv name (like ORDERS_DB_PASSWORD) mapped to a Jenkins credential id");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid(file + " has " + (problems.size() == 1 ? "a problem" : problems.size() + " problems")
                    + ":\n  - " + String.join("\n  - ", problems));
        }
    }

    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private void deploy(DeployConfig d) {
        duration("deploy.timeout", d.timeout());
        for (String name : d.vars().keySet()) {
            if (!VAR_NAME.matcher(name).matches()) {
                problem("deploy.vars", "deploy.vars name '" + name + "' is not usable as ${" + name
                        + "}; use letters, digits and '_', starting with a letter");
            } else if (Placeholders.RUNTIME.contains(name)) {
                problem("deploy.vars", "deploy.vars cannot set " + name + ": dbpromote fills ${" + name
                        + "} itself; use another name");
            }
        }
        if (d.secretName() != null && !d.secretName().contains("${") && !DNS_LABEL.matcher(d.secretName()).matches()) {
            problem("deploy.secretName", "deploy.secretName '" + d.secretName() + "' is not a valid Kubernetes name"
                    + " (lowercase letters, digits and '-', at most 63)");
        }
    }

    private void credentials(String at, CredentialsConfig c) {
        if (c.passwordEnv() != null && c.passwordFile() != null) {
            problem(at + ".passwordEnv", "give either passwordEnv or passwordFile, not both");
        }
        // Upper case only: a mixed-case value is far more likely a pasted password than a variable name, and
        // a variable name is printed in messages ("ORDERS_DB_PASSWORD is not set"). The value is never echoed.
        if (c.passwordEnv() != null && !c.passwordEnv().matches("[A-Z_][A-Z0-9_]*")) {
            problem(at + ".passwordEnv", "passwordEnv is the NAME of an environment variable in upper case (like"
                    + " ORDERS_DB_PASSWORD), not the password itself");
        }
    }

    private void oneOf(String at, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            problem(at, "'" + value + "' is not valid for " + at + "; use one of " + new java.util.TreeSet<>(allowed));
        }
    }

    /** Flyway's and goose's version syntax: digits with '.' or '_' between (quote it in YAML: "41"). */
    private void version(String at, String value) {
        if (value != null && !value.matches("\\d+([._]\\d+)*")) {
            problem(at, "'" + value + "' is not a migration version; write it like \"41\", \"1.2\" or \"20240101120000\"");
        }
    }

    private void duration(String at, String value) {
        try {
            Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
        }
    }

    private void problem(String path, String message) {
        int line = lines.line(path);
        problems.add((line > 0 ? "line " + line + ": " : "") + message);
    }
}
