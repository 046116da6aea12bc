package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTargets;
import dev.dbpromote.config.Config;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.MigrateResult;
import dev.dbpromote.migrate.MigrationSet;
import dev.dbpromote.migrate.Migrations;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.plan.GateSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gate-summary", mixinStandardHelpOptions = true, description = {
        "What an approval gate into --env shows: the migrations pending there (a dry run against its database, read only)",
        "with their lint findings, the PR clone's rehearsal forecast and validation, the image and the previous approver,",
        "in at most 15 lines with links. Exit 0 (a database that cannot be reached is said in the summary), 2 bad input."})
final class GateSummaryCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--image", paramLabel = "IMAGE", description = "The image being promoted.")
    String image;

    @Option(names = "--previous-approver", paramLabel = "USER", description = "Who approved the previous gate of this build.")
    String previousApprover;

    @Option(names = "--build-url", paramLabel = "URL", description = "The build's URL (Jenkins: BUILD_URL), for links to its archived reports.")
    String buildUrl;

    GateSummaryCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String env = options.requireEnv();
        if (config.environment(env).database().isClone()) {
            throw DbPromoteException.invalid("Environment '" + env + "' is per pull request (strategy: clone); gates lead into"
                    + " promotion targets: " + config.environments().entrySet().stream().filter(e -> !e.getValue().database().isClone())
                    .map(Map.Entry::getKey).toList() + ".");
        }
        MigrationSet set = Migrations.scan(config);
        List<String> pending = null;
        String problem = null;
        List<LintFinding> lint = List.of();
        try {
            ConnectionSpec db = BlueGreenTargets.of(config, context.environment()).connection(env, null);
            MigrateResult plan = new DbMigrate(db, set, Migrations.options(config, null, true, false), Progress.silent()).migrate();
            pending = plan.pending().stream().map(MigrateResult.PendingMigration::script).toList();
            Set<String> scripts = Set.copyOf(pending);
            lint = Migrations.lint(config, set).findings().stream().filter(f -> scripts.contains(fileName(f.file()))).collect(Collectors.toList());
        } catch (DbPromoteException e) {
            // The gate is still worth showing: say why the list is missing rather than failing the build here.
            problem = e.getMessage();
        }
        String url = buildUrl == null || buildUrl.isBlank() ? null : buildUrl.endsWith("/") ? buildUrl : buildUrl + "/";
        List<String> lines = new GateSummary(config).lines(new GateSummary.Request(env, options.pr(), blank(image), blank(previousApprover),
                url, pending, problem, lint));
        if (options.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", true);
            out.put("env", env);
            out.put("text", String.join("\n", lines));
            out.put("lines", lines);
            context.out().println(Json.write(out));
        } else {
            lines.forEach(context.out()::println);
        }
        return ExitCode.OK;
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
