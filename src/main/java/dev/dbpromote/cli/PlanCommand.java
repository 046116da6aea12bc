package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;
import dev.dbpromote.plan.PlanRequest;
import dev.dbpromote.plan.PromotionPlan;
import dev.dbpromote.plan.PromotionPlanner;
import dev.dbpromote.plan.Stage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "plan", mixinStandardHelpOptions = true, description = {"The promotion of one build: the ordered stages the Jenkins pipeline draws, which of them",
        "run and why the others are skipped, with the approval gates and their approvers. Reads only dbpromote.yaml;",
        "every build of a job gets the same stage list. Exit 0, or 2 for an invalid option or config."})
final class PlanCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch being built (Jenkins: BRANCH_NAME).")
    String branch;

    @Option(names = "--main-branches", paramLabel = "B1,B2", split = ",",
            description = "Branches whose builds promote with promote.from: main (default: main,master).")
    List<String> mainBranches;

    @Option(names = "--promote-from", paramLabel = "main|pr", description = "Overrides promote.from.")
    String promoteFrom;

    @Option(names = "--gate-timeout", paramLabel = "DURATION", description = "Overrides promote.gateTimeout, e.g. 24h.")
    String gateTimeout;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time allowed for the work in one environment (default: 4h).")
    String timeout;

    @Option(names = "--merged-pr", paramLabel = "N|none",
            description = "The PR a main-branch build has merged (its dev environment is destroyed); 'none' to never destroy.")
    String mergedPr;

    @Option(names = "--commit-message", paramLabel = "TEXT",
            description = "The last commit's message; a merge commit names the merged PR (GitHub, GitLab, Bitbucket).")
    String commitMessage;

    PlanCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String pr = options.pr();
        PromotionPlan plan = new PromotionPlanner(config).plan(new PlanRequest(blankToNull(branch), pr, mainBranches,
                blankToNull(promoteFrom), blankToNull(gateTimeout), blankToNull(timeout), blankToNull(mergedPr), commitMessage));
        if (options.json()) {
            context.out().println(Json.write(plan));
            return ExitCode.OK;
        }
        context.out().println(plan.summary());
        int width = plan.stages().stream().mapToInt(s -> s.name().length()).max().orElse(10);
        for (Stage s : plan.stages()) {
            String what = s.run() ? "run " : "skip";
            String detail = s.run() ? (s.gate() == null ? "" : gate(s.gate())) : s.reason();
            context.out().printf("  %-" + width + "s  %s  %s%n", s.name(), what, detail);
        }
        return ExitCode.OK;
    }

    private static String gate(Stage.Gate g) {
        return "gate " + g.id() + " (" + (g.approvers().isEmpty() ? "anyone who may build the job" : "approvers " + String.join(", ", g.approvers()))
                + ", waits " + g.timeout() + ")";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
