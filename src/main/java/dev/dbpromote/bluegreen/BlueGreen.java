package dev.dbpromote.bluegreen;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.EnvironmentStore;
import java.time.Clock;
import java.util.function.Function;

/**
 * One environment's blue/green promotion, whichever side builds green: an RDS Blue/Green deployment for an
 * {@code rds:}/{@code aurora:} environment, replication between two self-managed servers otherwise.
 */
public interface BlueGreen extends AutoCloseable {

    BlueGreenResult create(boolean dryRun);

    BlueGreenResult switchover(boolean dryRun);

    BlueGreenResult delete(boolean dryRun);

    BlueGreenResult status();

    @Override
    default void close() {
    }

    /** The implementation for the environment's configuration (exit 2 for a configuration that is neither). */
    static BlueGreen open(Config config, String env, Function<String, String> environment, Progress progress, Clock clock) {
        if (RdsBlueGreen.Target.applies(config, env)) {
            return RdsBlueGreen.open(config, env, environment, progress, clock);
        }
        return new SelfManagedBlueGreen(BlueGreenTarget.of(config, env, environment), new EnvironmentStore(config.stateDir()), progress, clock);
    }
}
