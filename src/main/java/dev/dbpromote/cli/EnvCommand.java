package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.RdsBlueGreen;
import dev.dbpromote.clone.Cloners;
import dev.dbpromote.clone.DatabaseCloner;
import dev.dbpromote.clone.EnvironmentLifecycle;
import dev.dbpromote.config.Config;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.deploy.DeployDestroy;
import dev.dbpromote.deploy.KubeAccess;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "env", description = "Environment records and the clones behind them.",
        subcommands = {EnvCommand.ListCmd.class, EnvCommand.Show.class, EnvCommand.Destroy.class, EnvCommand.Reap.class,
                EnvCommand.Annotate.class})
final class EnvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Opens cloners per environment on demand and closes them all at the end. */
    private static final class ClonerCache implements AutoCloseable {
        private final Map<String, DatabaseCloner> open = new HashMap<>();
        private final Config config;
        private final CliContext context;

        ClonerCache(Config config, CliContext context) {
            this.config = config;
            this.context = context;
        }

        DatabaseCloner get(String env) {
            return open.computeIfAbsent(env, e -> Cloners.forEnvironment(config, e, context.environment(), context.progress()));
        }

        EnvironmentLifecycle lifecycle() {
            return new EnvironmentLifecycle(config, this::get, new EnvironmentStore(config.stateDir()), context.progress(),
                    Clock.systemUTC());
        }

        @Override
        public void close() {
            open.values().forEach(DatabaseCloner::close);
        }
    }

    @Command(name = "list", description = "Records and managed clones (also those with no record on this agent).")
    static final class ListCmd implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        ListCmd(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            try (ClonerCache cache = new ClonerCache(config, context)) {
                List<EnvironmentLifecycle.Entry> entries = cache.lifecycle().list();
                if (options.json()) {
                    context.out().println(Json.write(entries));
                } else if (entries.isEmpty()) {
                    context.out().println("No environments.");
                } else {
                    context.out().printf("%-24s %-8s %-40s %-12s %-22s %s%n", "KEY", "PROVIDER", "ID", "STATUS", "EXPIRES", "ORIGIN");
                    for (EnvironmentLifecycle.Entry e : entries) {
                        context.out().printf("%-24s %-8s %-40s %-12s %-22s %s%n", e.key(), e.provider(), e.id(), e.status(),
                                (e.expiresAt() == null ? "-" : e.expiresAt()) + (e.expired() ? " (expired)" : ""), e.origin());
                    }
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", description = "The environment's record; rebuilt from the clone's tags when missing here.")
    static final class Show implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Show(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            String env = options.requireEnv();
            if (!config.environment(env).database().isClone()) {
                return showConfigured(config, env);
            }
            try (ClonerCache cache = new ClonerCache(config, context)) {
                EnvironmentRecord r = cache.lifecycle().show(env, options.pr());
                if (options.json()) {
                    context.out().println(Json.write(r));
                } else {
                    context.out().println(r.key() + ": " + r.provider() + " " + r.resourceId());
                    context.out().println("  endpoint: " + r.host() + ":" + r.port() + "  database: " + r.database() + "  user: " + r.user());
                    context.out().println("  credential: " + r.credentialRef() + "  expires: " + r.expiresAt());
                    r.attributes().forEach((k, v) -> context.out().println("  " + k + ": " + v));
                }
            }
            return ExitCode.OK;
        }

        private int showConfigured(Config config, String env) {
            Map<String, Object> shown = configuredDatabase(config, env);
            Map<String, String> attributes = new EnvironmentStore(config.stateDir()).find(EnvironmentRecord.key(env, null))
                    .map(EnvironmentRecord::attributes).orElse(Map.of());
            if (options.json()) {
                shown.put("attributes", attributes);
                context.out().println(Json.write(shown));
                return ExitCode.OK;
            }
            context.out().println(env + ": " + shown.get("strategy") + " (the database configured in " + config.file().getFileName() + ")");
            context.out().println("  endpoint: " + shown.getOrDefault("endpoint", "-") + "  database: " + shown.get("database")
                    + "  user: " + shown.get("user"));
            context.out().println("  credential: " + shown.get("credential"));
            attributes.forEach((k, v) -> context.out().println("  " + k + ": " + v));
            return ExitCode.OK;
        }
    }

    /** An in-place (or blue-green) environment's database is the configured one; its record holds only facts like approvedBy. */
    private static Map<String, Object> configuredDatabase(Config config, String env) {
        var db = config.environment(env).database();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env", env);
        m.put("strategy", db.strategy());
        String host = db.host() != null ? db.host() : db.mysql() != null ? db.mysql().host() : null;
        if (host != null) {
            m.put("endpoint", host + ":" + (db.port() != null ? db.port() : db.mysql() != null && db.mysql().port() != null ? db.mysql().port() : 3306));
        } else if (db.rds() != null) {
            m.put("endpoint", "RDS instance " + db.rds().instance() + (db.rds().region() == null ? "" : " (" + db.rds().region() + ")"));
        } else if (db.aurora() != null) {
            m.put("endpoint", "Aurora cluster " + db.aurora().cluster());
        }
        m.put("database", db.database() != null ? db.database() : config.source().database());
        m.put("user", db.user() != null ? db.user() : config.source().user());
        m.put("credential", db.passwordEnv() != null ? "environment variable " + db.passwordEnv()
                : db.passwordFile() != null ? "file " + db.passwordFile() : "none configured (environments." + env + ".database.passwordEnv)");
        return m;
    }

    @Command(name = "destroy", description = "Delete the environment's clone and record (only if tagged managed-by dbpromote and this app).")
    static final class Destroy implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;
        @Option(names = "--id", paramLabel = "ID", description = "Delete this instance/cluster/schema instead of the one named after --pr.")
        String id;

        Destroy(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            try (ClonerCache cache = new ClonerCache(config, context)) {
                EnvironmentLifecycle.Deletion d = cache.lifecycle().destroy(options.requireEnv(), options.pr(), id, options.dryRun());
                Reports.write(config, "env-destroy", d.key(), d);
                String namespace = destroyNamespace(config);
                if (options.json()) {
                    context.out().println(Json.write(d));
                } else {
                    context.out().println((d.dryRun() ? "Would delete " : "Deleted ") + (d.id() == null ? "nothing (no clone)" : d.provider()
                            + " " + d.id()) + " for " + d.key());
                    if (namespace != null) {
                        context.out().println(namespace);
                    }
                }
            }
            return ExitCode.OK;
        }

        /**
         * The environment's namespace goes with its database when dbpromote deploys this app. Without
         * cluster access, or when the namespace is not ours, the database is still gone and we say so.
         */
        private String destroyNamespace(Config config) {
            String env = options.requireEnv();
            if (config.deploy() == null || config.environment(env).namespace() == null) {
                return null;
            }
            dev.dbpromote.deploy.KubeConnection cluster;
            try {
                cluster = KubeAccess.connect(config, context.environment());
            } catch (DbPromoteException e) {
                if (e.kind() != DbPromoteException.Kind.INVALID_INPUT) {
                    throw e;
                }
                context.progress().line("Namespace not deleted: %s Run 'dbpromote deploy destroy --env %s%s' where the cluster"
                        + " is reachable.", e.getMessage(), env, options.pr() == null ? "" : " --pr " + options.pr());
                return "Namespace not deleted (no cluster access, see above)";
            }
            try {
                DeployDestroy.Result r = new DeployDestroy(config, context.progress()).run(env, options.pr(), cluster, options.dryRun());
                return "Namespace " + r.namespace() + ": " + r.state();
            } catch (DbPromoteException e) {
                if (e.kind() != DbPromoteException.Kind.INVALID_INPUT) {
                    throw e;
                }
                // The cluster answered and deploy destroy refuses too: say why, not "run it elsewhere".
                context.progress().line("Namespace not deleted: the cluster (%s) was reached, and dbpromote refuses: %s",
                        cluster.describe(), e.getMessage());
                return "Namespace not deleted (refused, see above)";
            }
        }
    }

    @Command(name = "reap", description = {"Delete every expired managed clone of this app (never other apps' clones, protected environments or the source),",
            "and the old blue an RDS/Aurora blue/green switchover kept, once its keepBlueFor has passed (only with our tags; never production)."})
    static final class Reap implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Reap(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            try (ClonerCache cache = new ClonerCache(config, context)) {
                List<EnvironmentLifecycle.Deletion> done = new java.util.ArrayList<>(cache.lifecycle().reap(options.dryRun()));
                // The old blue an RDS/Aurora switchover left, once its keepBlueFor has passed (its own tags say so).
                for (String env : config.environments().keySet()) {
                    if (RdsBlueGreen.Target.applies(config, env)) {
                        try (RdsBlueGreen bg = RdsBlueGreen.open(config, env, context.environment(), context.progress(), Clock.systemUTC())) {
                            bg.reapOldBlue(options.dryRun()).forEach(o -> done.add(new EnvironmentLifecycle.Deletion(env + "/old-blue",
                                    bg.target().aurora() ? "aurora" : "rds", o.id(), o.dryRun())));
                        }
                    }
                }
                Reports.write(config, "env-reap", "all", done);
                if (options.json()) {
                    context.out().println(Json.write(done));
                } else {
                    for (EnvironmentLifecycle.Deletion d : done) {
                        context.out().println((d.dryRun() ? "would delete " : "deleted ") + d.provider() + " " + d.id() + " (" + d.key() + ")");
                    }
                    context.out().println(done.size() + " expired " + (done.stream().anyMatch(d -> d.key().endsWith("/old-blue"))
                            ? "resource(s) (clones, old blues)" : "clone(s)") + " " + (options.dryRun() ? "would be deleted" : "deleted"));
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "annotate", description = "Record facts in the environment's record, e.g. --set approvedBy=alice.")
    static final class Annotate implements Callable<Integer> {
        private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
        private final CliContext context;
        @Mixin
        SharedOptions options;
        @Option(names = "--set", paramLabel = "KEY=VALUE", required = true, description = "Attribute to set (repeatable).")
        List<String> set;

        Annotate(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            Config config = context.loadConfig(options);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String s : set) {
                int eq = s.indexOf('=');
                String key = eq < 0 ? s : s.substring(0, eq);
                if (eq < 0 || !KEY.matcher(key).matches()) {
                    throw DbPromoteException.invalid("--set '" + s + "' must be KEY=VALUE with a key of letters, digits, '_', '.' or '-'"
                            + " starting with a letter, e.g. --set approvedBy=alice.");
                }
                attributes.put(key, s.substring(eq + 1));
            }
            EnvironmentLifecycle lifecycle = new EnvironmentLifecycle(config, e -> {
                throw new IllegalStateException("annotate needs no cloner");
            }, new EnvironmentStore(config.stateDir()), context.progress(), Clock.systemUTC());
            if (options.dryRun()) {
                context.progress().line("dry run: would set %s on %s", attributes, EnvironmentRecord.key(options.requireEnv(), options.pr()));
                return ExitCode.OK;
            }
            EnvironmentRecord r = lifecycle.annotate(options.requireEnv(), options.pr(), attributes);
            if (options.json()) {
                context.out().println(Json.write(r));
            } else {
                context.out().println("Annotated " + r.key() + ": " + attributes);
            }
            return ExitCode.OK;
        }
    }
}
