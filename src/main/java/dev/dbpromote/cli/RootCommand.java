package dev.dbpromote.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "dbpromote", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Per-PR production-data database clones, migration rehearsal, deployment and data validation,",
                "promoted dev -> staging -> production."},
        subcommands = {
                CheckCommand.class, PlanCommand.class, GateSummaryCommand.class,
                LintCommand.class,
                MigrateCommand.class,
                DemoCommand.class,
                DeployCommand.class,
                CloneCommand.class, EnvCommand.class, SnapshotCommand.class,
                ValidateCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success",
                "  1  the step ran and found a problem (failed validation or rollout, lint error, failed migration)",
                "  2  invalid input or config; nothing was changed",
                "  3  an external system (database, AWS, Kubernetes) failed or timed out",
                "  4  internal error (a bug: re-run with --stacktrace and report it)"})
final class RootCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
