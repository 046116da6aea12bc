package dev.dbpromote.cli;

import dev.dbpromote.clone.aws.AwsClientFactory;
import dev.dbpromote.clone.aws.CreateSnapshot;
import dev.dbpromote.clone.aws.Waits;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.services.rds.RdsClient;

@Command(name = "snapshot", description = "Create a tagged manual RDS snapshot of an in-place environment's database and wait for it"
        + " (the rollback point before production migrations).")
final class SnapshotCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    SnapshotCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String env = options.requireEnv();
        DatabaseConfig db = config.environment(env).database();
        if (db.isClone()) {
            throw DbPromoteException.invalid("Environment '" + env + "' is a clone environment; snapshots are for in-place"
                    + " environments (staging, production).");
        }
        SourceConfig.RdsSource rdsTarget = db.rds() != null ? db.rds() : config.source().rds();
        if (rdsTarget == null) {
            throw DbPromoteException.invalid("Environment '" + env + "' has no RDS instance to snapshot. Set environments." + env
                    + ".database.rds.instance (snapshots of self-managed MySQL are not supported).");
        }
        String region = rdsTarget.region() != null ? rdsTarget.region() : config.source().rds() != null ? config.source().rds().region() : null;
        Duration timeout = db.waitTimeout() != null ? Durations.parse(db.waitTimeout()) : Waits.defaults().timeout();
        String initial = context.environment().apply("DBPROMOTE_POLL_INITIAL");
        Duration first = initial != null ? Duration.ofMillis(Long.parseLong(initial)) : Waits.defaults().initial();
        CreateSnapshot.Result result;
        String endpoint = rdsTarget.endpoint() != null ? rdsTarget.endpoint()
                : config.source().rds() != null ? config.source().rds().endpoint() : null;
        try (RdsClient rds = AwsClientFactory.rds(region, endpoint, context.environment())) {
            result = new CreateSnapshot(rds, new Waits(timeout, first, Waits.defaults().cap()), context.progress(), Clock.systemUTC())
                    .run(config.app(), env, rdsTarget.instance(), context.environment().apply("BUILD_URL"), options.dryRun());
        }
        Reports.write(config, "snapshot", env, result);
        if (options.json()) {
            context.out().println(Json.write(result));
        } else {
            context.out().println((options.dryRun() ? "Would create" : "Created") + " snapshot " + result.snapshotId() + " of "
                    + result.instance());
        }
        return ExitCode.OK;
    }
}
