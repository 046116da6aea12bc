package dev.dbpromote.cli;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.bluegreen.SelfManagedBlueGreen;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.demo.SteadyWriter;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
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
@Command(name = "demo", description = {"Run the whole promotion on embedded MariaDB servers (no AWS, no cluster needed):",
        "sample production databases, PR 42's clone, lint, migration rehearsal (Flyway and goose) and validation in dev;",
        "staging in place after a snapshot; production blue/green with real replication while an application writes,",
        "gates approved as demo-approver, the switchover, and the figures: no lost write, the write pause, the forecast."})
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
        out.println("dbpromote demo: the whole promotion (dev, staging, production blue/green) on embedded MariaDB servers. Files: " + root);
        out.println();
        long t0 = System.nanoTime();
        heading("Starting two embedded MariaDB 11.4 servers: production (blue, binary log on) and the server green will be");
        try (EmbeddedMariaDb server = EmbeddedMariaDb.start("--log-bin=blue-bin", "--server-id=1", "--binlog-format=ROW");
             EmbeddedMariaDb greenServer = EmbeddedMariaDb.start("--log-bin=green-bin", "--server-id=2", "--binlog-format=ROW")) {
            String adminPassword = SampleProduction.randomPassword();
            String appPassword = SampleProduction.randomPassword();
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("DEMO_DB_PORT", String.valueOf(server.port()));
            env.put("DEMO_GREEN_PORT", String.valueOf(greenServer.port()));
            env.put("DEMO_DB_PASSWORD", adminPassword);
            Path orders = root.resolve("orders");
            Path billing = root.resolve("billing");
            SampleProduction.writeSampleRepos(root);
            out.printf("  production (blue) on %s:%d, green-to-be on %s:%d%n", server.host(), server.port(), greenServer.host(),
                    greenServer.port());

            heading("Production today: orders (Flyway, at V3) and billing (goose, 2 of 3 migrations)");
            SampleProduction.createOrdersDatabase(server.root(null));
            SampleProduction.migrateOrders(server.root("orders"), orders, "3");
            SampleProduction.loadOrders(server.root("orders"));
            SampleProduction.createBillingManagedByGoose(server.root(null), billing.resolve("db/migrations"));
            SampleProduction.createAccounts(server.root(null), greenServer.root(null), adminPassword, appPassword);
            out.printf("  orders: %,d customers, %,d products, %,d orders, %,d order items%n", SampleProduction.CUSTOMERS,
                    SampleProduction.PRODUCTS, SampleProduction.ORDERS, SampleProduction.ITEMS);
            out.printf("  billing: %,d invoices, goose_db_version at 20250102100000%n", SampleProduction.INVOICES);
            SampleProduction.createStaging(server.root(null));
            out.println("  staging: orders_staging, refreshed from production");

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
            run(orders, env, 0, "bluegreen", "status", "--env", "production");

            heading("PR " + pr + " is fixed and merged: its suite now knows 'delivered' orders (the dev report showed them)");
            Path suite = orders.resolve("db/expectations.yaml");
            Files.writeString(suite, Files.readString(suite).replace("value_set: [new, paid, shipped]}", "value_set: [new, paid, shipped, delivered]}"));
            gate("Approve staging", "Promote orders (main, PR " + pr + ": V4-V6, image " + DEMO_IMAGE.substring(DEMO_IMAGE.indexOf('@') + 1, DEMO_IMAGE.indexOf('@') + 20)
                    + "…) to staging?", "qa-leads");
            run(orders, env, 0, "env", "annotate", "--env", "staging", "--set", "approvedBy=demo-approver");
            String snapshot = SampleProduction.snapshotStaging(server.root(null));
            out.println();
            out.println("Staging: snapshot before migrating in place: " + snapshot + " (a schema copy on this server; on RDS"
                    + " 'dbpromote snapshot --env staging' takes a tagged DB snapshot)");
            run(orders, env, 0, "migrate", "--env", "staging");
            run(orders, env, 0, "deploy", "--env", "staging", "--image", DEMO_IMAGE, "--dry-run");
            run(orders, env, 0, "validate", "--env", "staging");

            heading("Production, blue/green, while the orders service keeps writing orders to production");
            ProductionFigures figures = promoteProduction(orders, env, server, greenServer, appPassword);

            heading("Lifecycle: what exists, what the reaper would delete, and cleaning up a merged PR");
            run(orders, env, 0, "env", "list");
            run(orders, env, 0, "env", "reap", "--dry-run");
            run(billing, env, 0, "env", "destroy", "--env", "dev", "--pr", pr);
            run(orders, env, 2, "env", "destroy", "--env", "production");
            this.figures = figures;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return summary(root, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** What the production promotion showed: the numbers the demo ends with. */
    record ProductionFigures(long writtenToBlue, long blueWritesOnGreen, long writtenToGreen, long refused, long uncertain,
            long longestPauseMillis, Long engineRefusedMillis, long forecastMillis, long greenMigrationMillis) {
        boolean noLostWrite() {
            return writtenToBlue == blueWritesOnGreen && uncertain == 0;
        }
    }

    private ProductionFigures figures;

    /**
     * Production blue/green with the application writing all along: the same commands the pipeline's stages run
     * ({@code Production: Create green}, {@code Migrate green}, {@code Validate green}, {@code Approve switchover},
     * {@code Switchover}, {@code Deploy}).
     */
    private ProductionFigures promoteProduction(Path orders, Map<String, String> env, EmbeddedMariaDb blue, EmbeddedMariaDb green,
            String appPassword) {
        PrintStream out = context.out();
        Secret app = Secret.of(appPassword, "demo application password");
        ConnectionSpec appOnBlue = new ConnectionSpec(blue.host(), blue.port(), "orders", SampleProduction.APP_USER, app);
        ConnectionSpec appOnGreen = new ConnectionSpec(green.host(), green.port(), "orders", SampleProduction.APP_USER, app);
        EnvironmentStore store = new EnvironmentStore(orders.resolve(".dbpromote"));
        // The service: one order after another, to wherever production is (after the switchover its pods get the new
        // DB Secret; here the writer asks the environment record when production refuses a write).
        SteadyWriter writer = SteadyWriter.start(
                () -> "switched-over".equals(SelfManagedBlueGreen.phase(store, "production")) ? appOnGreen : appOnBlue,
                "INSERT INTO orders (id, customer_id, status, total, created_at) VALUES (" + WRITER_IDS + " + ?, 1 + ? % "
                        + SampleProduction.CUSTOMERS + ", 'new', 10.00, NOW())", Duration.ofMillis(10));
        out.println();
        out.println("The orders service writes an order every ~10 ms to production (blue) from now on.");
        try {
            gate("Approve production", "Promote orders (main, PR " + pr + ": V4-V6) to production? Blue/green: green is built and"
                    + " migrated while blue serves; a second gate approves the switchover.", "release-managers");
            run(orders, env, 0, "env", "annotate", "--env", "production", "--set", "approvedBy=demo-approver");
            run(orders, env, 0, "bluegreen", "create", "--env", "production");
            run(orders, env, 0, "migrate", "--env", "production");
            run(orders, env, 0, "validate", "--env", "production");
            run(orders, env, 0, "bluegreen", "status", "--env", "production");
            gate("Approve switchover", "Switch production to green? Green is migrated (V4-V6), validated against blue, and"
                    + " replicating; blue will refuse writes for the switchover and stay read-only as the rollback point.",
                    "release-managers");
            run(orders, env, 0, "env", "annotate", "--env", "production", "--set", "switchoverApprovedBy=demo-approver");
            run(orders, env, 0, "bluegreen", "switchover", "--env", "production");
            run(orders, env, 0, "deploy", "--env", "production", "--image", DEMO_IMAGE, "--dry-run");
            String greenAt = green.host() + ":" + green.port();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (writer.stats().writtenTo().getOrDefault(greenAt, 0L) < 50 && System.nanoTime() < deadline) {
                sleep(20);
            }
        } finally {
            writer.close();
        }
        SteadyWriter.Stats w = writer.stats();
        String blueAt = blue.host() + ":" + blue.port();
        long toBlue = w.writtenTo().getOrDefault(blueAt, 0L);
        long lastOnBlue = w.lastSeqOn().getOrDefault(blueAt, 0L);
        long onGreen = SampleProduction.count(green.root("orders"), "orders WHERE id > " + WRITER_IDS + " AND id <= " + (WRITER_IDS + lastOnBlue));
        EnvironmentRecord record = store.find("production").orElseThrow();
        String refusedMillis = record.attributes().get("bluegreen.writesRefusedMillis");
        return new ProductionFigures(toBlue, onGreen, w.writtenTo().getOrDefault(green.host() + ":" + green.port(), 0L), w.refused(),
                w.uncertain(), w.longestPauseMillis(), refusedMillis == null ? null : Long.valueOf(refusedMillis),
                migrationMillis(orders.resolve(".dbpromote/reports/migrate-dev-pr-" + pr + ".json")),
                migrationMillis(orders.resolve(".dbpromote/reports/migrate-production.json")));
    }

    /** Order ids the demo's writer uses: above the sample data's. */
    private static final long WRITER_IDS = 10_000_000L;

    /** The time the migrations of a migrate report took (the rehearsal's is production's forecast). */
    private static long migrationMillis(Path report) {
        if (!Files.isRegularFile(report)) {
            return -1;
        }
        long total = 0;
        for (var a : Json.mapper().valueToTree(Json.read(report, Map.class)).path("result").path("applied")) {
            total += a.path("durationMillis").asLong();
        }
        return total;
    }

    /** What a person approving the gate in Jenkins sees (the input step's message and who may approve), then the approval. */
    private void gate(String stage, String message, String submitter) {
        PrintStream out = context.out();
        out.println();
        out.println("[Jenkins] Stage '" + stage + "' waits for input:");
        out.println("    " + message);
        out.println("    [Proceed] [Abort]   (submitter: " + submitter + ")");
        out.println("  Approved by demo-approver");
    }

    private void printFigures(ProductionFigures f) {
        PrintStream out = context.out();
        heading("Production: what the users saw");
        out.printf("  Orders written to blue during the promotion:        %,d%n", f.writtenToBlue());
        out.printf("  Of those, present on green after the switchover:    %,d  %s%n", f.blueWritesOnGreen(),
                f.noLostWrite() ? "(no lost write)" : "(WRITES LOST)");
        out.printf("  Orders written to green after the switchover:       %,d%n", f.writtenToGreen());
        out.printf("  Writes refused during the switchover:               %d (each retried until accepted; longest pause %d ms,"
                + " blue read-only for %s ms)%n", f.refused(), f.longestPauseMillis(), f.engineRefusedMillis());
        out.printf("  Migration time production's writers waited for:    0 ms (V4-V6 ran on green in %d ms; in place the"
                + " rehearsal forecast %d ms on production's tables)%n", f.greenMigrationMillis(), f.forecastMillis());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int summary(Path root, Duration took) {
        PrintStream out = context.out();
        if (figures != null) {
            printFigures(figures);
        }
        heading("Summary");
        boolean ok = figures != null && figures.noLostWrite();
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
        json.put("production", figures);
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
