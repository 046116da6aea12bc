package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTarget;
import dev.dbpromote.bluegreen.RdsBlueGreen;
import dev.dbpromote.bluegreen.SelfManagedBlueGreen;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.ValidateConfig;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.validate.DataValidate;
import dev.dbpromote.validate.TouchedTables;
import dev.dbpromote.validate.ValidateRequest;
import dev.dbpromote.validate.ValidationResult;
import java.time.Clock;

/**
 * {@code validate --env E} on a self-managed blue/green environment: the suite runs on green, and with
 * {@code validate.compare: source} green is compared with blue (the live production), both at the same point of
 * blue's binlog, so every table the PR's migrations did not touch must match although blue keeps taking writes.
 */
final class BlueGreenValidate {

    private BlueGreenValidate() {
    }

    static ValidationResult run(CliContext context, Config config, String env, ValidateRequest onGreen, ValidateConfig vc) {
        if (RdsBlueGreen.Target.applies(config, env)) {
            return onRds(context, config, env, onGreen, vc);
        }
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        if (!"source".equals(vc.compare()) || !"replicating".equals(SelfManagedBlueGreen.phase(store, env))) {
            if ("source".equals(vc.compare())) {
                context.progress().line("Not compared with blue: '%s' is switched over, green no longer replicates from blue", env);
            }
            return new DataValidate(context.progress()).run(onGreen);
        }
        BlueGreenTarget target = BlueGreenTarget.of(config, env, context.environment());
        TouchedTables touched = TouchedTables.between(config, target.green(), target.blue());
        context.progress().line("Migrations on green but not on blue: %s; tables they touch: %s",
                touched.versions().isEmpty() ? "none" : String.join(", ", touched.versions()),
                touched.tables().isEmpty() ? "none (every table must match)" : String.join(", ", touched.tables()));
        ValidateRequest withBlue = new ValidateRequest(onGreen.target(), target.blue(), onGreen.suite(), onGreen.parameters(),
                touched.tables(), onGreen.stateDir(), onGreen.envKey(), onGreen.strategy(), onGreen.sampleRows(), onGreen.warnOnly(),
                onGreen.compareChunkKeys());
        try (SelfManagedBlueGreen.Frozen frozen = new SelfManagedBlueGreen(target, store, context.progress(), Clock.systemUTC()).freeze()) {
            return new DataValidate(context.progress()).run(withBlue, frozen::blue);
        }
    }

    /**
     * RDS/Aurora: green cannot be held at a position of blue's binlog through the API, so the comparison waits until green
     * has applied everything it received (no lag) and then compares; a table that takes writes during the comparison may
     * be reported as differing, and a re-run settles it.
     */
    private static ValidationResult onRds(CliContext context, Config config, String env, ValidateRequest onGreen, ValidateConfig vc) {
        try (RdsBlueGreen bg = RdsBlueGreen.open(config, env, context.environment(), context.progress(), Clock.systemUTC())) {
            if (!"source".equals(vc.compare()) || !bg.replicating()) {
                if ("source".equals(vc.compare())) {
                    context.progress().line("Not compared with blue: '%s' is switched over, green no longer replicates from blue", env);
                }
                return new DataValidate(context.progress()).run(onGreen);
            }
            var blue = bg.blueConnection();
            TouchedTables touched = TouchedTables.between(config, onGreen.target(), blue);
            context.progress().line("Migrations on green but not on blue: %s; tables they touch: %s",
                    touched.versions().isEmpty() ? "none" : String.join(", ", touched.versions()),
                    touched.tables().isEmpty() ? "none (every table must match)" : String.join(", ", touched.tables()));
            bg.awaitCaughtUp();
            return new DataValidate(context.progress()).run(new ValidateRequest(onGreen.target(), blue, onGreen.suite(),
                    onGreen.parameters(), touched.tables(), onGreen.stateDir(), onGreen.envKey(), onGreen.strategy(), onGreen.sampleRows(),
                    onGreen.warnOnly(), onGreen.compareChunkKeys()));
        }
    }
}
