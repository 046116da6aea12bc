package dev.dbpromote.cli;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.demo.SampleProduction;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole flow on an embedded MariaDB, using the same commands a pipeline runs: a sample
 * production database, a PR's clone, lint, the migration rehearsal, and a report at the end.
 */
@Command(name = "demo", description = {"Run the whole dbpromote flow on an embedded MariaDB (no AWS, no cluster needed):",
        "sample production databases, a PR clone, lint, migration rehearsal (Flyway and goose), reports."})
final class DemoCommand implements Callable<Integer> {

    private static final String MARKER = ".dbpromote-demo";
    private static final String DEMO_IMAGE =
            "registry.example.com/orders@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

    private final CliContext context;

    @Option(names = "--dir", defaultValue = "dbpromote-demo", paramLabel = "DIR",
            description = "Where the sample repositories and reports are written (default: ${DEFAULT-VALUE}).")
    String dir;

    @Option(names = "--pr", defaultValue = "42", paramLabel = "N", description = "The pull request number to play (default: ${DEFAULT-VALUE}).")
    String pr;

    /** One step of the demo: the command, what exit code it should have, what it had. */
    record Step(String repo, String command, int expected, int exitCode, long millis) {
    }

    private final List<Step> steps = new ArrayList<>();

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (!pr.matches("[0-9]{1,9}")) {
            throw DbPromoteException.invalid("--pr '" + pr + "' is not a pull request number. Pass digits only, e.g. --pr 42.");
        }
        Path root = prepare(context.resolve(dir));
        PrintStream out = context.out();
        out.println("dbpromote demo: the whole flow on an embedded MariaDB. Files: " + root);
        out.println();
        long t0 = System.nanoTime();
        heading("Starting an embedded MariaDB 11.4 (the demo's production server)");
        try (EmbeddedMariaDb server = EmbeddedMariaDb.start()) {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("DEMO_DB_PORT", String.valueOf(server.port()));
            Path orders = root.resolve("orders");
            Path billing = root.resolve("billing");
            SampleProduction.writeSampleRepos(root);
            out.printf("  listening on %s:%d%n", server.host(), server.port());

            heading("Production today: orders (Flyway, at V3) and billing (goose, 2 of 3 migrations)");
            SampleProduction.createOrdersDatabase(server.root(null));
            run(orders, env, 0, "migrate", "--env", "production", "--target", "3");
            SampleProduction.loadOrders(server.root("orders"));
            SampleProduction.createBillingManagedByGoose(server.root(null), billing.resolve("db/migrations"));
            out.printf("  orders: %,d customers, %,d products, %,d orders, %,d order items%n", SampleProduction.CUSTOMERS,
                    SampleProduction.PRODUCTS, SampleProduction.ORDERS, SampleProduction.ITEMS);
            out.printf("  billing: %,d invoices, goose_db_version at 20250102100000%n", SampleProduction.INVOICES);

            heading("PR " + pr + " of the orders service adds V4-V6. What its pipeline runs:");
            run(orders, env, 0, "check");
            run(orders, env, 0, "lint");
            run(orders, env, 0, "clone", "--env", "dev", "--pr", pr);
            run(orders, env, 0, "migrate", "--env", "dev", "--pr", pr, "--dry-run");
            run(orders, env, 0, "migrate", "--env", "dev", "--pr", pr);
            run(orders, env, 0, "migrate", "info", "--env", "dev", "--pr", pr);
            // No cluster here: plan mode renders the manifests (DB Secret included, password masked).
            run(orders, env, 0, "deploy", "--env", "dev", "--pr", pr, "--image", DEMO_IMAGE, "--dry-run");
            // One expectation fails on purpose, so the report shows what a failure looks like (exit 1).
            run(orders, env, 1, "validate", "--env", "dev", "--pr", pr);

            heading("The billing service adopts dbpromote: goose files as they are, goose's history adopted");
            run(billing, env, 0, "clone", "--env", "dev", "--pr", pr);
            run(billing, env, 0, "migrate", "--env", "dev", "--pr", pr);

            heading("Production is untouched until promotion");
            run(orders, env, 0, "migrate", "info", "--env", "production");

            heading("Lifecycle: what exists, what the reaper would delete, and cleaning up a merged PR");
            run(orders, env, 0, "env", "list");
            run(orders, env, 0, "env", "reap", "--dry-run");
            run(billing, env, 0, "env", "destroy", "--env", "dev", "--pr", pr);
            run(orders, env, 2, "env", "destroy", "--env", "production");
        }
        return summary(root, Duration.ofNanos(System.nanoTime() - t0));
    }

    private int summary(Path root, Duration took) {
        PrintStream out = context.out();
        heading("Summary");
        boolean ok = true;
        for (Step s : steps) {
            boolean asExpected = s.exitCode() == s.expected();
            ok &= asExpected;
            out.printf("  %-4s %-8s dbpromote %-52s exit %d%s%n", asExpected ? "ok" : "FAIL", s.repo(), s.command(), s.exitCode(),
                    s.expected() != 0 && asExpected ? " (expected)" : "");
        }
        out.printf("  %d commands in %.1f s%n", steps.size(), took.toMillis() / 1000.0);
        out.println();
        out.println("Reports:");
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().contains(".dbpromote") && Files.isRegularFile(f) && !f.toString().contains("credentials"))
                    .filter(f -> f.toString().matches(".*/(reports|junit|html|env)/.*"))
                    .sorted(Comparator.naturalOrder())
                    .forEach(f -> out.println("  " + root.relativize(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("success", ok);
        json.put("steps", steps);
        Json.write(root.resolve("demo-summary.json"), json);
        out.println("  demo-summary.json");
        out.println();
        out.println(ok ? "Demo finished: every step behaved as expected." : "Demo finished with unexpected results (see above).");
        return ok ? ExitCode.OK : ExitCode.FOUND_PROBLEM;
    }

    private void run(Path repo, Map<String, String> env, int expected, String... args) {
        String line = String.join(" ", args);
        context.out().println();
        context.out().println("$ cd " + repo.getFileName() + " && dbpromote " + line);
        long t0 = System.nanoTime();
        int code = Cli.run(new CliContext(env::get, context.out(), context.err(), repo), args);
        steps.add(new Step(repo.getFileName().toString(), line, expected, code, (System.nanoTime() - t0) / 1_000_000));
        if (code != expected && code >= ExitCode.INVALID_INPUT) {
            throw DbPromoteException.external("Demo step 'dbpromote " + line + "' exited " + code + " (expected " + expected
                    + "); see the error above.");
        }
    }

    private void heading(String text) {
        context.out().println();
        context.out().println("== " + text);
    }

    /** A fresh demo folder; an existing one is replaced only if an earlier demo made it. */
    private static Path prepare(Path root) {
        try {
            if (Files.exists(root)) {
                if (!Files.exists(root.resolve(MARKER))) {
                    throw DbPromoteException.invalid(root + " exists and was not made by 'dbpromote demo'; it is left alone."
                            + " Pass another folder with --dir.");
                }
                try (Stream<Path> paths = Files.walk(root)) {
                    for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(root);
            Files.writeString(root.resolve(MARKER), "made by dbpromote demo; safe to delete\n");
            return root.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
