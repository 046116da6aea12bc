package dev.dbpromote.bluegreen;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.Targets;
import java.time.Clock;
import java.util.function.Function;

/**
 * {@link Targets} that also find green of an RDS/Aurora blue-green environment (the endpoint of the deployment
 * dbpromote created). Lives here, not in env, so that env does not depend on the RDS blue/green code.
 */
public final class BlueGreenTargets {

    private BlueGreenTargets() {
    }

    public static Targets of(Config config, Function<String, String> environment) {
        return new Targets(config, environment, envName -> {
            try (RdsBlueGreen bg = RdsBlueGreen.open(config, envName, environment, Progress.silent(), Clock.systemUTC())) {
                return bg.greenConnection();
            }
        });
    }
}
