package dev.dbpromote.cli;

import dev.dbpromote.clone.CloneDatabase;
import dev.dbpromote.clone.CloneRequest;
import dev.dbpromote.clone.CloneResult;
import dev.dbpromote.clone.Cloners;
import dev.dbpromote.clone.DatabaseCloner;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "clone", description = {"Give an environment (a PR's) its own copy of the source database: restore an RDS snapshot,",
        "clone an Aurora cluster, or copy the schema on a MySQL server. Re-runs reuse the clone; --fresh replaces it."})
final class CloneCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--fresh", description = "Replace an existing clone instead of reusing it.")
    boolean fresh;

    CloneCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String env = options.requireEnv();
        String pr = options.pr();
        DatabaseConfig db = config.environment(env).database();
        if (!db.isClone()) {
            throw DbPromoteException.invalid("Environment '" + env + "' uses strategy: " + db.strategy()
                    + "; only strategy: clone environments are cloned. Use 'dbpromote snapshot --env " + env + "' for a rollback point.");
        }
        if (config.environment(env).isProtected()) {
            throw DbPromoteException.invalid("Environment '" + env + "' is protected; it is never cloned into.");
        }
        CloneRequest request = new CloneRequest(config.app(), env, pr, db.ttl() == null ? null : Durations.parse(db.ttl()),
                context.environment().apply("BUILD_URL"), fresh, options.dryRun(), db.mask());
        CloneResult result;
        try (DatabaseCloner cloner = Cloners.forEnvironment(config, env, context.environment(), context.progress())) {
            result = new CloneDatabase(cloner, new EnvironmentStore(config.stateDir()), context.progress(), Clock.systemUTC())
                    .run(request);
        }
        Reports.write(config, "clone", EnvironmentRecord.key(env, pr), result);
        if (options.json()) {
            context.out().println(Json.write(result));
        } else if (options.dryRun()) {
            context.out().println("Would " + result.action().substring("planned:".length()) + " " + result.provider() + " clone "
                    + result.id() + " for " + result.key());
        } else {
            context.out().println("Clone " + result.action() + ": " + result.id() + " (" + result.provider() + ")");
            context.out().println("  endpoint: " + result.host() + ":" + result.port() + "  database: " + result.database()
                    + "  user: " + result.user());
            context.out().println("  credential: " + result.credentialRef() + "  expires: " + result.expiresAt());
        }
        return ExitCode.OK;
    }
}
