package dev.dbpromote.bench;

import dev.dbpromote.bluegreen.BlueGreenResult;
import dev.dbpromote.bluegreen.BlueGreenTarget;
import dev.dbpromote.bluegreen.ReplicaPair;
import dev.dbpromote.bluegreen.SelfManagedBlueGreen;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.demo.SteadyWriter;
import dev.dbpromote.env.EnvironmentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The switchover's write pause on self-managed blue/green, with a steady writer: two embedded MariaDB servers with
 * real replication, an application inserting a row every {@code intervalMs} into production (retrying a refused write
 * against wherever production is then), and {@code rounds} switchovers back and forth (green of one round is blue of the
 * next). For each round: how long blue refused writes (the engine's measure, from read-only to green writable), the
 * longest pause the writer saw (first refusal to next accepted write), and every write accounted for (accepted writes
 * vs rows on the new production). Not a test: prints figures and their ratio to the 1 s goal.
 *
 * <pre>mvn -B -q test-compile exec:java -Dexec.mainClass=dev.dbpromote.bench.SwitchoverBench -Dexec.args="5 5 2000"
 *   # rounds, writer interval ms, rows to start with</pre>
 */
public final class SwitchoverBench {

    private SwitchoverBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int intervalMs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int initialRows = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        System.out.printf("SwitchoverBench: %d switchovers, a write every %d ms, %d rows to start with, %d CPUs%n", rounds, intervalMs,
                initialRows, Runtime.getRuntime().availableProcessors());
        Path state = Files.createTempDirectory("dbpromote-switchover-bench");
        try (ReplicaPair pair = ReplicaPair.start()) {
            EmbeddedMariaDb[] servers = {pair.blue, pair.green};
            for (EmbeddedMariaDb s : servers) {
                ReplicaPair.exec(s.root(null), "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT ON bench.* TO 'app'@'%'",
                        "CREATE USER IF NOT EXISTS 'admin'@'%' IDENTIFIED BY '" + ReplicaPair.BLUE_PASSWORD + "'",
                        "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'");
            }
            ReplicaPair.exec(pair.blue.root(null), "CREATE DATABASE bench",
                    "CREATE TABLE bench.orders (id BIGINT PRIMARY KEY, customer BIGINT NOT NULL, total DECIMAL(10,2), at DATETIME(6))",
                    "INSERT INTO bench.orders SELECT seq, seq % 1000, seq / 7, NOW(6) FROM bench.seq_1_to_" + initialRows);
            EnvironmentStore store = new EnvironmentStore(state);
            Secret admin = Secret.of(ReplicaPair.BLUE_PASSWORD, "bench");
            List<long[]> results = new ArrayList<>();
            int blueIndex = 0;
            for (int round = 1; round <= rounds; round++) {
                EmbeddedMariaDb blue = servers[blueIndex];
                EmbeddedMariaDb green = servers[1 - blueIndex];
                store.delete("production");
                BlueGreenTarget target = new BlueGreenTarget("production",
                        new ConnectionSpec(blue.host(), blue.port(), "bench", "admin", admin),
                        new ConnectionSpec(green.host(), green.port(), "bench", "root", Secret.of("", "bench")),
                        Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofSeconds(60));
                SelfManagedBlueGreen bg = new SelfManagedBlueGreen(target, store, Progress.silent(), Clock.systemUTC());
                bg.create(false);
                Secret app = Secret.of("app-pw", "bench");
                ConnectionSpec appBlue = new ConnectionSpec(blue.host(), blue.port(), "bench", "app", app);
                ConnectionSpec appGreen = new ConnectionSpec(green.host(), green.port(), "bench", "app", app);
                long base = 1_000_000_000L * round;
                BlueGreenResult r;
                SteadyWriter.Stats w;
                try (SteadyWriter writer = SteadyWriter.start(
                        () -> "switched-over".equals(SelfManagedBlueGreen.phase(store, "production")) ? appGreen : appBlue,
                        "INSERT INTO orders VALUES (" + base + " + ?, ?, 1, NOW(6))", Duration.ofMillis(intervalMs))) {
                    Thread.sleep(2000); // steady state before the switchover
                    r = bg.switchover(false);
                    String greenAt = green.host() + ":" + green.port();
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (writer.stats().writtenTo().getOrDefault(greenAt, 0L) < 100 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    writer.close();
                    w = writer.stats();
                }
                // What a fresh connection costs here: the writer pays one to reach green after the switchover.
                long connect = Long.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    long c0 = System.nanoTime();
                    try (var c = dev.dbpromote.db.Jdbc.open(appGreen)) {
                        connect = Math.min(connect, (System.nanoTime() - c0) / 1_000_000);
                    }
                }
                String blueAt = blue.host() + ":" + blue.port();
                long onBlue = w.writtenTo().getOrDefault(blueAt, 0L);
                long onGreenFromBlue = ReplicaPair.count(green.root("bench"), "orders WHERE id > " + base + " AND id <= "
                        + (base + w.lastSeqOn().getOrDefault(blueAt, 0L)));
                long onGreenAll = ReplicaPair.count(green.root("bench"), "orders WHERE id > " + base);
                System.out.printf("round %d: blue read-only for %4d ms; writer's longest pause %4d ms (a new connection costs %d ms"
                                + " here), %3d writes refused and retried; accepted %d (blue %d, green %d), on the new production %d,"
                                + " blue's on green %d/%d%n", round, r.writesRefusedMillis(), w.longestPauseMillis(), connect, w.refused(),
                        w.written(), onBlue, w.written() - onBlue, onGreenAll, onGreenFromBlue, onBlue);
                results.add(new long[] {r.writesRefusedMillis(), w.longestPauseMillis(), w.written() - onGreenAll + (onBlue - onGreenFromBlue),
                        w.uncertain()});
                // Next round: the old blue becomes the next green (read-only off, its copy of the database dropped).
                ReplicaPair.exec(blue.root(null), "SET GLOBAL read_only = OFF", "DROP DATABASE bench");
                blueIndex = 1 - blueIndex;
            }
            long maxEngine = results.stream().mapToLong(x -> x[0]).max().orElse(0);
            long maxWriter = results.stream().mapToLong(x -> x[1]).max().orElse(0);
            double medianWriter = results.stream().mapToLong(x -> x[1]).sorted().skip(results.size() / 2).findFirst().orElse(0);
            long lost = results.stream().mapToLong(x -> x[2]).sum();
            long uncertain = results.stream().mapToLong(x -> x[3]).sum();
            System.out.printf("%nwrite pause seen by the writer: median %.0f ms, max %d ms = %.2fx the 1 s goal; blue read-only at most %d ms%n",
                    medianWriter, maxWriter, maxWriter / 1000.0, maxEngine);
            System.out.printf("writes lost: %d, outcome unknown: %d (every accepted write is on the new production)%n", lost, uncertain);
        } finally {
            try (var files = Files.walk(state)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
