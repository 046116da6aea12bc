package dev.dbpromote.clone.rdsemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.clone.MysqlServerClonerTest;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@MariaDb
class RdsCloneLeaseTest {

    @TempDir
    Path dir;

    private CliRun cli(Path in) {
        return CliRun.in(in).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                .env("DBPROMOTE_POLL_INITIAL", "50").env("DBPROMOTE_AWS_MAX_ATTEMPTS", "4");
    }

    /** Run B starts while run A's restore is still 'creating': B must wait or reuse, never delete A's clone. */
    @Test
    void aSecondRunWaitsForTheFirstRunsCloneStillBeingCreatedInsteadOfDeletingIt(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        MysqlServerClonerTest.seed(source);
        try (RdsEmulator emu = new RdsEmulator(server).transition(Duration.ofSeconds(3))) {
            emu.addSourceInstance("orders-prod", source.name(), "admin");
            emu.addSnapshot("orders-prod-a", "orders-prod", Instant.now().minusSeconds(60), "manual", "available");
            Files.writeString(dir.resolve("dbpromote.yaml"), """
                    app: orders
                    source:
                      rds: {instance: orders-prod, region: us-west-2, endpoint: '%s'}
                      database: orders
                    environments:
                      dev:
                        database: {strategy: clone, ttl: 72h}
                    """.formatted(emu.endpoint()));
            Path agent2 = dir.resolve("agent2");
            Files.createDirectories(agent2);
            Files.copy(dir.resolve("dbpromote.yaml"), agent2.resolve("dbpromote.yaml"));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<CliRun.Result> a = pool.submit(() -> cli(dir).run("clone", "--env", "dev", "--pr", "9"));
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (emu.calls("RestoreDBInstanceFromDBSnapshot").isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                CliRun.Result b = cli(agent2).run("clone", "--env", "dev", "--pr", "9");
                CliRun.Result ra = a.get();
                assertTrue(emu.calls("DeleteDBInstance").isEmpty(), "run B deleted run A's clone in progress:\nB: " + b + "\nA: " + ra);
                assertEquals(0, ra.exitCode(), ra.toString());
                assertEquals(0, b.exitCode(), b.toString());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
