package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreen;
import dev.dbpromote.bluegreen.BlueGreenResult;
import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bluegreen", description = {"Blue/green promotion of an environment's database (strategy: blue-green):",
        "create green replicating from blue, then 'migrate' and 'validate' with the same --env work on green,",
        "then switch over after the gate, or delete green if a step failed or the gate was rejected.",
        "On RDS/Aurora (rds:/aurora:) this drives an RDS Blue/Green deployment (green parameter group: greenParameterGroup).",
        "Exit 0 done, 1 a guardrail refused (replication lag, long transaction, broken replication, green not available;",
        "nothing changed), 2 invalid input or wrong phase (nothing changed), 3 a server or AWS failed, green did not become",
        "available in time, or the switchover timed out (rolled back)."},
        mixinStandardHelpOptions = true,
        subcommands = {BlueGreenCommand.Create.class, BlueGreenCommand.Switchover.class, BlueGreenCommand.Delete.class,
                BlueGreenCommand.Status.class})
final class BlueGreenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs one blue/green action and prints its result; a refusal by a guardrail is exit 1. */
    static int run(CliContext context, SharedOptions options, String action, Function<BlueGreen, BlueGreenResult> step) {
        String env = options.requireEnv();
        Config config = context.loadConfig(options);
        BlueGreenResult r;
        try (BlueGreen bg = BlueGreen.open(config, env, context.environment(), context.progress(), Clock.systemUTC())) {
            r = step.apply(bg);
        }
        if (!options.dryRun()) {
            Reports.write(config, "bluegreen-" + action, env, r);
        }
        if (options.json()) {
            context.out().println(Json.write(r));
        } else {
            context.out().println(r.message());
            r.problems().forEach(p -> context.out().println("  - " + p));
        }
        return r.refused() ? ExitCode.FOUND_PROBLEM : ExitCode.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {"Build green: copy blue's database to green in one consistent",
            "snapshot and start replication from that snapshot's binlog position. Reuses the green in progress for the",
            "environment (never two). Checks binlog, server ids and that green is free before changing anything."})
    static final class Create implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Create(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return run(context, options, "create", bg -> bg.create(options.dryRun()));
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true, description = {"Make green production: blue read-only, wait until green",
            "applied blue's last write (switchoverTimeout), stop replication, green writable, the environment record points",
            "at green (deploy then writes the DB Secret for green). Refused while green lags more than maxReplicaLag or a",
            "transaction on blue is older than maxTransactionAge. Blue stays read-only for keepBlueFor as the rollback point."})
    static final class Switchover implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Switchover(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return run(context, options, "switchover", bg -> bg.switchover(options.dryRun()));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = {"Discard green before the switchover (a failed step or a rejected",
            "gate): replication stopped, the database dbpromote copied to green dropped. Never touches blue; refused after",
            "the switchover."})
    static final class Delete implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Delete(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return run(context, options, "delete", bg -> bg.delete(options.dryRun()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The environment's blue/green phase and green's replication state.")
    static final class Status implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        SharedOptions options;

        Status(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return run(context, options, "status", BlueGreen::status);
        }
    }
}
