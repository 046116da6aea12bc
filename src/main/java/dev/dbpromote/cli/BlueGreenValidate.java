package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTarget;
import dev.dbpromote.bluegreen.SelfManagedBlueGreen;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.ValidateConfig;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.validate.DataValidate;
import dev.dbpromote.validate.SourceComparison;
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
        ValidationResult suite = new DataValidate(context.progress()).run(onGreen);
        if (!"source".equals(vc.compare())) {
            return suite;
        }
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        if (!"replicating".equals(SelfManagedBlueGreen.phase(store, env))) {
            context.progress().line("Not compared with blue: '%s' is switched over, green no longer replicates from blue", env);
            return suite;
        }
        BlueGreenTarget target = BlueGreenTarget.of(config, env, context.environment());
        TouchedTables touched = TouchedTables.between(config, target.green(), target.blue());
        context.progress().line("Migrations on green but not on blue: %s; tables they touch: %s",
                touched.versions().isEmpty() ? "none" : String.join(", ", touched.versions()),
                touched.tables().isEmpty() ? "none (every table must match)" : String.join(", ", touched.tables()));
        SourceComparison.Result comparison = new SelfManagedBlueGreen(target, store, context.progress(), Clock.systemUTC())
                .compareWithBlue(touched.tables(), vc.sampleRows(), vc.compareChunkKeys());
        Reports.write(config, "bluegreen-compare", env, comparison);
        return new ValidationResult(suite.suite(), suite.suiteFile(), suite.database(), suite.server(), suite.strategy(),
                suite.success() && comparison.success(), suite.warnOnly(), suite.statistics(), suite.results(), comparison,
                suite.queries(), suite.startedAt(), suite.duration(), suite.reports());
    }
}
