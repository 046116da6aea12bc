package dev.dbpromote.cli;

import dev.dbpromote.bluegreen.BlueGreenTargets;
import dev.dbpromote.bluegreen.BlueGreenTarget;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.ValidateConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.validate.DataValidate;
import dev.dbpromote.validate.Expectation;
import dev.dbpromote.validate.ExpectationResult;
import dev.dbpromote.validate.SourceComparison;
import dev.dbpromote.validate.SourceConnection;
import dev.dbpromote.validate.Strategy;
import dev.dbpromote.validate.Suite;
import dev.dbpromote.validate.SuiteLoader;
import dev.dbpromote.validate.TouchedTables;
import dev.dbpromote.validate.ValidateRequest;
import dev.dbpromote.validate.ValidationResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", description = {
        "Check the data in an environment's database with an expectation suite (Great Expectations names),",
        "in one scan per table, and compare it with the source when validate.compare is 'source'.",
        "Reports: .dbpromote/reports|junit|html/validate-<env>.{json,xml,html}.",
        "Exit 0 all expectations passed, 1 some failed (0 with --warn-only), 2 suite/config problem, 3 database failure."})
final class ValidateCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    @Option(names = "--suite", paramLabel = "FILE", description = "Expectation suite (YAML, or a GX JSON suite); default validate.suite.")
    String suite;

    @Option(names = "--strategy", paramLabel = "STRATEGY", defaultValue = "single-scan",
            description = "single-scan (default: one query per table) or per-expectation (one query each, for comparison).")
    String strategy;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Suite parameter ($NAME in the suite); overrides validate.parameters.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--warn-only", description = "Report failures but exit 0 (the default where environments.<env>.warnOnly is true).")
    boolean warnOnly;

    ValidateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        String env = options.requireEnv();
        String pr = options.pr();
        // environments.<env>.warnOnly applies to every run there, as --warn-only does; the JSON says so.
        boolean warn = warnOnly || config.environment(env).warnOnly();
        Strategy strat = Strategy.parse(strategy);
        ValidateConfig vc = config.validate() == null ? ValidateConfig.DEFAULT : config.validate();
        Path suiteFile;
        if (suite != null) {
            suiteFile = context.resolve(suite);
        } else if (vc.suite() != null) {
            suiteFile = config.resolve(vc.suite());
        } else {
            throw DbPromoteException.invalid("No expectation suite: set validate.suite in " + config.file() + " or pass --suite FILE.");
        }
        Map<String, String> parameters = new LinkedHashMap<>(vc.parameters());
        parameters.putAll(params);
        String envKey = EnvironmentRecord.key(env, pr);

        if (options.dryRun()) {
            Suite s = new SuiteLoader(parameters).load(suiteFile);
            return plan(s, strat, envKey, vc);
        }
        ConnectionSpec target = BlueGreenTargets.of(config, context.environment()).connection(env, pr);
        if (pr == null && (BlueGreenTarget.selfManaged(config, env) || dev.dbpromote.bluegreen.RdsBlueGreen.Target.applies(config, env))) {
            // Green: the suite on green, then the comparison with blue at one binlog position (blue keeps taking writes).
            ValidationResult r = BlueGreenValidate.run(context, config, env, new ValidateRequest(target, null, suiteFile, parameters,
                    Set.of(), config.stateDir(), envKey, strat, vc.sampleRows(), warnOnly, vc.compareChunkKeys()), vc);
            print(r);
            return r.failsRun() ? ExitCode.FOUND_PROBLEM : ExitCode.OK;
        }
        ConnectionSpec source = "source".equals(vc.compare()) ? SourceConnection.of(config, context.environment()) : null;
        Set<String> touched = Set.of();
        if (source != null) {
            TouchedTables t = TouchedTables.between(config, target, source);
            touched = t.tables();
            context.progress().line("Migrations in this database but not in the source: %s; tables they touch: %s",
                    t.versions().isEmpty() ? "none" : String.join(", ", t.versions()),
                    touched.isEmpty() ? "none (every table must match)" : String.join(", ", touched));
        }
        ValidationResult r = new DataValidate(context.progress()).run(new ValidateRequest(target, source, suiteFile, parameters, touched,
                config.stateDir(), envKey, strat, vc.sampleRows(), warn, vc.compareChunkKeys()));
        print(r);
        return r.failsRun() ? ExitCode.FOUND_PROBLEM : ExitCode.OK;
    }

    private int plan(Suite s, Strategy strat, String envKey, ValidateConfig vc) {
        Map<String, List<Expectation>> byTable = s.byTable();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", true);
        out.put("suite", s.name());
        out.put("suiteFile", s.file().toString());
        out.put("strategy", strat.label());
        out.put("compare", vc.compare());
        Map<String, Object> tables = new LinkedHashMap<>();
        byTable.forEach((t, list) -> {
            long scans = strat == Strategy.PER_EXPECTATION
                    ? list.stream().filter(e -> e.type().kind() != dev.dbpromote.validate.ExpectationType.Kind.METADATA
                            && e.type().kind() != dev.dbpromote.validate.ExpectationType.Kind.CUSTOM_SQL).count()
                    : list.stream().filter(e -> e.type().kind() == dev.dbpromote.validate.ExpectationType.Kind.AGGREGATE
                            || e.type().kind() == dev.dbpromote.validate.ExpectationType.Kind.REFERENCE
                            || e.type().kind() == dev.dbpromote.validate.ExpectationType.Kind.SOURCE)
                            .map(e -> String.valueOf(e.rowCondition())).distinct().count();
            tables.put(t, Map.of("expectations", list.stream().map(e -> e.type().gxName() + (e.column() == null ? "" : "(" + e.column() + ")")).toList(),
                    "scans", scans));
        });
        out.put("tables", tables);
        if (options.json()) {
            context.out().println(Json.write(out));
        } else {
            context.out().println("Would validate " + envKey + " with suite '" + s.name() + "' (" + s.expectations().size() + " expectations, "
                    + strat.label() + (vc.compare().equals("source") ? ", compared with the source" : "") + "):");
            tables.forEach((t, v) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) v;
                context.out().println("  " + t + ": " + ((List<?>) m.get("expectations")).size() + " expectation(s), " + m.get("scans") + " table scan(s)");
            });
            context.out().println("Suite is valid offline; tables, columns and regexes are checked against the database when it runs.");
        }
        return ExitCode.OK;
    }

    void print(ValidationResult r) {
        if (options.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("success", r.success());
            out.put("exitCode", r.failsRun() ? ExitCode.FOUND_PROBLEM : ExitCode.OK);
            out.put("warnOnly", r.warnOnly());
            out.put("statistics", r.statistics());
            out.put("failed", r.results().stream().filter(x -> !x.success()).map(x -> Map.of("table", x.table(), "expectation", x.type(),
                    "line", x.line(), "message", x.message())).toList());
            if (r.comparison() != null) {
                out.put("comparison", r.comparison().tables().stream().filter(d -> !d.status().equals("match"))
                        .map(d -> Map.of("table", d.table(), "status", d.status(), "touched", d.touched(), "message", d.message())).toList());
            }
            out.put("reports", Map.of("json", r.reports().json().toString(), "junit", r.reports().junit().toString(),
                    "html", r.reports().html().toString()));
            context.json(out, Problems.validate(r));
            return;
        }
        var s = r.statistics();
        context.out().println((r.success() ? "PASSED" : r.warnOnly() ? "FAILED (warn-only)" : "FAILED") + ": " + s.successfulExpectations()
                + " of " + s.evaluatedExpectations() + " expectations passed on " + r.database() + " (" + r.server() + ", " + r.strategy()
                + ", " + r.queries() + " queries, " + r.duration().toMillis() + " ms)");
        for (ExpectationResult x : r.results()) {
            if (!x.success()) {
                context.out().println("  " + (x.warnOnly() ? "WARN " : "FAIL ") + x.table() + ": " + x.type() + describe(x) + " — " + x.message()
                        + (x.line() > 0 ? " (" + r.suiteFile().getFileName() + ":" + x.line() + ")" : ""));
            }
        }
        if (r.comparison() != null) {
            for (SourceComparison.TableDiff d : r.comparison().tables()) {
                if (!d.status().equals("match")) {
                    context.out().println("  " + (d.failsRun() ? "DIFF " : "NOTE ") + d.table() + ": " + d.status()
                            + (d.touched() ? " (touched by the migrations applied in this run)" : "") + " — " + d.message());
                }
            }
        }
        context.out().println("Reports: " + r.reports().html() + " (JUnit " + r.reports().junit() + ", JSON " + r.reports().json() + ")");
    }

    private static String describe(ExpectationResult x) {
        Object col = x.kwargs().get("column");
        return col == null ? "" : "(" + col + ")";
    }
}
