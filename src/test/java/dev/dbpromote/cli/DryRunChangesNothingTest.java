package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.clone.MysqlServerClonerTest;
import dev.dbpromote.clone.rdsemu.RdsEmulator;
import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.deploy.KubeMock;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.ServerFingerprint;
import dev.dbpromote.testing.TestDatabase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dry-run} changes nothing, anywhere: every command that accepts it (found in picocli's command
 * tree, so a command added later fails here until it has an invocation below) runs against a fixture with
 * something to change — a source with data, PR clones (one expired), a staging database with a failed,
 * partly applied migration and a pending one, a PR namespace in a Kubernetes API server, an RDS instance —
 * and afterwards the server's fingerprint (every schema's metadata and row checksums), the environment
 * records and credentials, the cluster's namespaces and the RDS calls are what they were before.
 */
class DryRunChangesNothingTest {

    private static final String IMAGE = "registry.example.com/acme/dryrun@sha256:" + "cd34".repeat(16);

    @TempDir
    Path dir;

    /** One run of a command without its --dry-run; {@code before} puts the flag before the subcommand's name. */
    record Invocation(List<String> command, List<String> args, Map<String, String> env) {
        String[] argv(boolean flagBeforeSubcommand) {
            List<String> argv = new ArrayList<>(command);
            if (flagBeforeSubcommand) {
                argv.add(command.size() - 1, "--dry-run");
            } else {
                argv.add("--dry-run");
            }
            argv.addAll(args);
            return argv.toArray(String[]::new);
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " " + String.join(" ", args);
        }
    }

    private final List<Invocation> invocations = new ArrayList<>();

    private void run(String command, String args, Map<String, String> env) {
        invocations.add(new Invocation(List.of(command.split(" ")), args.isEmpty() ? List.of() : List.of(args.split(" ")), env));
    }

    private void run(String command, String args) {
        run(command, args, Map.of());
    }

    @EachServer
    void everyDryRunLeavesEveryDatabaseRecordAndResourceAsItWas(TestDatabase source, TestDatabase staging, DatabaseServer server)
            throws Exception {
        String app = "dryrun";
        Fixture f = fixture(source, staging, app);
        try (KubeMock kube = new KubeMock(); RdsEmulator rds = server instanceof EmbeddedMariaDb maria ? rdsEmulator(maria, source) : null) {
            Path kubeconfig = KubeMock.kubeconfig(dir, kube.url());
            kube.fabric8.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(app + "-pr-7")
                    .addToLabels("app.kubernetes.io/managed-by", "dbpromote").addToLabels("dbpromote/app", app)
                    .endMetadata().build()).create();
            Map<String, String> cluster = Map.of("KUBECONFIG", kubeconfig.toString());

            run("check", "");
            run("plan", "--branch PR-7 --pr 7");
            run("gate-summary", "--env staging");
            run("lint", "");
            run("clone", "--env dev --pr 8");
            run("clone", "--env dev --pr 7 --fresh");
            run("migrate", "--env staging");
            run("migrate", "--env dev --pr 7");
            run("migrate info", "--env staging");
            run("migrate repair", "--env staging");
            run("deploy", "--env dev --pr 7 --image " + IMAGE);
            run("deploy destroy", "--env dev --pr 7", cluster);
            run("validate", "--env dev --pr 7");
            run("env list", "");
            run("env show", "--env dev --pr 7");
            run("env destroy", "--env dev --pr 7", cluster);
            run("env reap", "");
            run("env annotate", "--env dev --pr 7 --set approvedBy=alice");
            Set<List<String>> coveredOnMariaDbOnly = new java.util.HashSet<>();
            // bluegreen needs a replicating server pair: SelfManagedBlueGreenTest checks that create --dry-run and
            // delete --dry-run leave green as it was; status only reads. On RDS (below) create/delete --dry-run make no
            // mutating API call; RdsBlueGreenTest checks switchover --dry-run against a real deployment.
            for (String sub : List.of("create", "delete", "status", "switchover")) {
                coveredOnMariaDbOnly.add(List.of("bluegreen", sub));
            }
            if (rds != null) {
                run("snapshot", "--config rds.yaml --env production");
                run("clone", "--config rds.yaml --env dev --pr 9");
                run("bluegreen create", "--config rds.yaml --env live");
                run("bluegreen delete", "--config rds.yaml --env live");
            } else {
                coveredOnMariaDbOnly.add(List.of("snapshot")); // the RDS emulator keeps its instances on MariaDB
            }

            Set<List<String>> acceptDryRun = CommandTree.all().entrySet().stream()
                    .filter(e -> e.getValue().findOption("--dry-run") != null).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparing(List::toString))));
            Set<List<String>> covered = Stream.concat(invocations.stream().map(Invocation::command), coveredOnMariaDbOnly.stream())
                    .collect(Collectors.toCollection(() -> new TreeSet<>(Comparator.comparing(List::toString))));
            assertEquals(acceptDryRun, covered, "every command that accepts --dry-run has an invocation here; add one for a new command");

            String databases = ServerFingerprint.of(server);
            String files = stateFiles();
            String namespaces = namespaces(kube);
            int rdsCalls = rds == null ? 0 : rds.calls().size();

            for (Invocation inv : invocations) {
                boolean nested = inv.command().size() > 1 && CommandTree.all().get(inv.command().subList(0, inv.command().size() - 1))
                        .findOption("--dry-run") != null;
                for (boolean before : nested ? List.of(false, true) : List.of(false)) {
                    String[] argv = inv.argv(before);
                    CliRun cli = f.cli();
                    inv.env().forEach(cli::env);
                    CliRun.Result r = cli.run(argv);
                    String line = "dbpromote " + String.join(" ", argv);
                    assertEquals(0, r.exitCode(), line + " runs its dry path: " + r);
                    assertEquals(databases, ServerFingerprint.of(server), line + " changed a database");
                    assertEquals(files, stateFiles(), line + " changed an environment record or credential");
                    assertEquals(namespaces, namespaces(kube), line + " changed the cluster");
                    if (rds != null) {
                        List<String> mutating = rds.calls().subList(rdsCalls, rds.calls().size()).stream().map(RdsEmulator.Call::action)
                                .filter(a -> !a.startsWith("Describe") && !a.startsWith("List")).toList();
                        assertTrue(mutating.isEmpty(), line + " called " + mutating);
                        rdsCalls = rds.calls().size();
                    }
                }
            }

            // The fixture really had something to change: the same repair without --dry-run does.
            CliRun.Result repair = f.cli().run("migrate", "repair", "--env", "staging");
            assertEquals(0, repair.exitCode(), repair.toString());
            assertFalse(databases.equals(ServerFingerprint.of(server)), "repair changed the staging database");
        } finally {
            f.cli().run("env", "destroy", "--env", "dev", "--pr", "7");
            f.cli().run("env", "destroy", "--env", "dev", "--pr", "6");
        }
    }

    /** The repository and its databases; {@code cli()} runs the command line in it. */
    record Fixture(Path dir, String app) {
        CliRun cli() {
            return CliRun.in(dir).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                    .env("DBPROMOTE_POLL_INITIAL", "50").env("BUILD_URL", "https://jenkins/job/dry/PR-7/1/");
        }
    }

    private Fixture fixture(TestDatabase source, TestDatabase staging, String app) throws Exception {
        MysqlServerClonerTest.seed(source);
        Files.createDirectories(dir.resolve("db/migrations"));
        // V1 is what production already has (baselineVersion 1); an empty staging database gets it from the file.
        Files.writeString(dir.resolve("db/migrations/V1__base.sql"),
                "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120), name VARCHAR(40));\n");
        Files.createDirectories(dir.resolve("deploy/k8s"));
        Files.writeString(dir.resolve("deploy/k8s/app.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: dryrun
                data:
                  host: "${DB_HOST}"
                """);
        Files.writeString(dir.resolve("db/expectations.yaml"), """
                expectations:
                  - expect_table_row_count_to_be_between: {table: customers, min_value: 1}
                """);
        config(source, staging, app, "1s");
        Fixture f = new Fixture(dir, app);
        ok(f.cli().run("migrate", "--env", "production"));
        ok(f.cli().run("migrate", "--env", "staging"));
        staging.execute("INSERT INTO customers (name) VALUES ('Alice')");
        // An expired PR clone (for reap), then a live one (PR 7) with ttl 72h.
        ok(f.cli().run("clone", "--env", "dev", "--pr", "6"));
        config(source, staging, app, "72h");
        ok(f.cli().run("clone", "--env", "dev", "--pr", "7"));
        Thread.sleep(1500);
        // V2 fails on staging after its first statement: a failed history row and the partial-state table.
        Files.writeString(dir.resolve("db/migrations/V2__index_and_audit.sql"),
                "CREATE INDEX ix_customers_name2 ON customers (name);\nINSERT INTO no_such_table VALUES (1);\n");
        CliRun.Result failed = f.cli().run("migrate", "--env", "staging");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(staging.column("SHOW TABLES").contains("dbpromote_partial_migrations"), "the fixture has a partial run");
        // Fixed, and a third migration pending.
        Files.writeString(dir.resolve("db/migrations/V2__index_and_audit.sql"),
                "CREATE INDEX ix_customers_name2 ON customers (name);\nCREATE TABLE audit2 (id INT PRIMARY KEY);\n");
        Files.writeString(dir.resolve("db/migrations/V3__notes.sql"), "CREATE TABLE notes (id INT PRIMARY KEY);\n");
        return f;
    }

    private void config(TestDatabase source, TestDatabase staging, String app, String ttl) throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: %s
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                migrations: {locations: [db/migrations], baselineVersion: "1"}
                deploy: {manifests: deploy/k8s}
                validate: {suite: db/expectations.yaml, compare: source}
                environments:
                  dev:
                    database: {strategy: clone, ttl: %s}
                    namespace: %s-pr-${PR}
                  staging:
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root}
                  production:
                    protected: true
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root}
                """.formatted(app, source.port(), source.name(), ttl, app, source.port(), staging.name(), source.port(), source.name()));
    }

    private RdsEmulator rdsEmulator(EmbeddedMariaDb server, TestDatabase source) throws IOException {
        RdsEmulator emu = new RdsEmulator(server).transition(Duration.ofMillis(50));
        emu.addSourceInstance("dry-prod", source.name(), "admin");
        emu.addSnapshot("dry-prod-a", "dry-prod", java.time.Instant.now().minusSeconds(60), "manual", "available");
        Files.writeString(dir.resolve("rds.yaml"), """
                app: dryrds
                source:
                  rds: {instance: dry-prod, region: us-west-2, endpoint: '%s'}
                  database: %s
                environments:
                  dev:
                    database: {strategy: clone, ttl: 72h}
                  production:
                    protected: true
                    database: {strategy: in-place, rds: {instance: dry-prod}}
                  live:
                    protected: true
                    database: {strategy: blue-green, rds: {instance: dry-prod}, greenParameterGroup: dry-green-rw}
                """.formatted(emu.endpoint(), source.name()));
        emu.blueGreen().addParameterGroup("dry-green-rw", "0");
        return emu;
    }

    private static void ok(CliRun.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** Environment records and credentials: what one step hands the next. Reports and plans are output, not state. */
    private String stateFiles() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String sub : List.of(".dbpromote/env", ".dbpromote/credentials")) {
            Path d = dir.resolve(sub);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(d)) {
                for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                    b.append("## ").append(dir.relativize(p)).append('\n').append(Files.readString(p)).append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String namespaces(KubeMock kube) {
        return kube.fabric8.namespaces().list().getItems().stream()
                .map(n -> n.getMetadata().getName() + " " + new java.util.TreeMap<>(n.getMetadata().getLabels() == null ? Map.of()
                        : n.getMetadata().getLabels()))
                .sorted().collect(Collectors.joining("\n"));
    }
}
