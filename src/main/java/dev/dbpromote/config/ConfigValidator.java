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
            ttl(at + ".database", db);
            if (db.isClone() && e.getValue().isProtected()) {
                problem(at + ".database.strategy", "a protected environment cannot use strategy: clone"
                        + " (clones are deleted when they expire); use strategy: in-place");
            }
            if ("in-place".equals(db.strategy()) && db.host() == null && db.rds() == null && db.aurora() == null && db.mysql() == null) {
                problem(at + ".database", "strategy: in-place needs where the database is: 'host' (and 'port'),"
                        + " or 'rds: {instance: …}', or 'aurora: {cluster: …}'");
            }
            credentials(at + ".database", db);
            blueGreen(at + ".database", db);
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

    private void blueGreen(String at, DatabaseConfig db) {
        for (var d : new String[][] {{"switchoverTimeout", db.switchoverTimeout()}, {"keepBlueFor", db.keepBlueFor()},
                {"maxReplicaLag", db.maxReplicaLag()}, {"maxTransactionAge", db.maxTransactionAge()}}) {
            if (d[1] != null) {
                duration(at + "." + d[0], d[1]);
            }
        }
        if (!db.isBlueGreen()) {
            if (db.green() != null || db.greenParameterGroup() != null) {
                problem(at + ".green", "'green' and 'greenParameterGroup' are for strategy: blue-green (this environment uses "
                        + db.strategy() + "); set strategy: blue-green or remove them");
            }
            return;
        }
        boolean cloud = db.rds() != null || db.aurora() != null;
        if (cloud && db.green() == null) {
            if (db.rds() != null && db.aurora() != null) {
                problem(at, "give either rds: {instance: ...} or aurora: {cluster: ...} for blue, not both");
            }
            // greenParameterGroup is checked by 'bluegreen create' (exit 2 before any AWS call): a plan or a gate needs no green.
            if (db.switchoverTimeout() != null) {
                try {
                    java.time.Duration d = Durations.parse(db.switchoverTimeout());
                    if (d.toSeconds() < 30 || d.toSeconds() > 3600) {
                        problem(at + ".switchoverTimeout", "RDS takes a SwitchoverTimeout from 30s to 1h; '" + db.switchoverTimeout()
                                + "' is outside it");
                    }
                } catch (RuntimeException e) {
                    // reported above as not a duration
                }
            }
        }
        if (!cloud && db.green() == null) {
            problem(at, "strategy: blue-green on a self-managed server needs the green server that replicates from it:"
                    + " green: {host: ..., port: 3306, user: ..., passwordEnv: ...} (or rds:/aurora: for an RDS Blue/Green deployment)");
        }
        if (!cloud && db.host() == null && db.mysql() == null) {
            problem(at, "strategy: blue-green needs blue, the database serving production now: 'host' (and 'port')");
        }
        if (db.green() != null) {
            credentials(at + ".green", db.green());
            String blueHost = db.host() != null ? db.host() : db.mysql() != null ? db.mysql().host() : null;
            int bluePort = db.port() != null ? db.port() : db.mysql() != null ? db.mysql().port() : 3306;
            if (db.green().host().equals(blueHost) && db.green().port() == bluePort) {
                problem(at + ".green", "green is the same server as blue (" + blueHost + ":" + bluePort + "); green must be"
                        + " another server that replicates from blue");
            }
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

    /**
     * A clone holds production's data, so it must expire: {@code ttl} is bounded by {@code maxTtl}
     * (default 30 days, as Neon bounds a branch's expiry), which a team can raise on purpose.
     */
    private void ttl(String at, DatabaseConfig db) {
        java.time.Duration max = null;
        if (db.maxTtl() != null) {
            max = duration(at + ".maxTtl", db.maxTtl());
            if (max != null && max.isZero()) {
                problem(at + ".maxTtl", "maxTtl must be longer than 0, like 30d");
                max = null;
            }
        }
        if (db.ttl() == null) {
            return;
        }
        java.time.Duration ttl = duration(at + ".ttl", db.ttl());
        if (ttl == null) {
            return;
        }
        if (ttl.isZero()) {
            problem(at + ".ttl", "ttl must be longer than 0 (it is how long a clone lives), like 72h");
            return;
        }
        String maxText = db.maxTtl() != null ? db.maxTtl() : DatabaseConfig.DEFAULT_MAX_TTL;
        java.time.Duration limit = db.maxTtl() != null ? max : Durations.parse(DatabaseConfig.DEFAULT_MAX_TTL);
        if (limit != null && ttl.compareTo(limit) > 0) {
            problem(at + ".ttl", "ttl " + db.ttl() + " is longer than the maximum " + maxText + (db.maxTtl() != null ? " (maxTtl)"
                    : " (maxTtl's default, as Neon limits a branch's expiry)") + ": a clone holds production's data and must"
                    + " expire. Use a shorter ttl, or set " + at + ".maxTtl if clones really must live longer.");
        }
    }

    private java.time.Duration duration(String at, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
            return null;
        }
    }

    private void problem(String path, String message) {
        int line = lines.line(path);
        problems.add((line > 0 ? "line " + line + ": " : "") + message);
    }
}
