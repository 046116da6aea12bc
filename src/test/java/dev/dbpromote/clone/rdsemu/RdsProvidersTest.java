package dev.dbpromote.clone.rdsemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.clone.MysqlServerClonerTest;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RDS and Aurora providers end to end: real AWS SDK -> RDS emulator -> real databases on the embedded MariaDB. */
@MariaDb
class RdsProvidersTest {

    @TempDir
    Path dir;

    private static final Instant NOW = Instant.now();

    private RdsEmulator emulator(EmbeddedMariaDb server, TestDatabase source) {
        MysqlServerClonerTest.seed(source);
        RdsEmulator emu = new RdsEmulator(server).transition(Duration.ofMillis(200));
        emu.addSourceInstance("orders-prod", source.name(), "admin");
        emu.addSourceCluster("orders-aurora", source.name(), "admin");
        return emu;
    }

    private void config(RdsEmulator emu, String sourceBlock, String devExtra) throws Exception {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source:
                %s
                  database: orders
                environments:
                  dev:
                    database:
                      strategy: clone
                      ttl: 72h
                      instanceClass: db.t4g.medium
                      subnetGroup: dev-subnets
                      securityGroups: [sg-123]
                      parameterGroup: mysql80-dev
                      mask:
                        customers.email: email
                %s
                  production:
                    protected: true
                    database: {strategy: in-place, rds: {instance: orders-prod}}
                """.formatted(sourceBlock.replace("EMU", emu.endpoint().toString()), devExtra));
    }

    private static String rds(String extra) {
        return "  rds: {instance: orders-prod, region: us-west-2, endpoint: 'EMU'" + extra + "}";
    }

    private CliRun cli() {
        return CliRun.in(dir).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                .env("DBPROMOTE_POLL_INITIAL", "50").env("DBPROMOTE_AWS_MAX_ATTEMPTS", "4")
                .env("BUILD_URL", "https://jenkins/job/orders/PR-42/1/");
    }

    @Test
    void rdsRestoresTheNewestAvailableSnapshotWithOurTagsAndAFreshPassword(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            emu.addSnapshot("rds:orders-prod-old", "orders-prod", NOW.minusSeconds(172800), "automated", "available");
            emu.addSnapshot("orders-prod-manual", "orders-prod", NOW.minusSeconds(86400), "manual", "available");
            emu.addSnapshot("rds:orders-prod-new", "orders-prod", NOW.minusSeconds(3600), "automated", "available");
            emu.addSnapshot("orders-prod-running", "orders-prod", NOW, "manual", "creating");
            config(emu, rds(""), "");
            // Transient trouble the SDK's retry strategy rides out.
            emu.fault("DescribeDBSnapshots", RdsEmulator.Fault.THROTTLING, 2);
            emu.fault("RestoreDBInstanceFromDBSnapshot", RdsEmulator.Fault.INTERNAL, 1);

            CliRun.Result r = cli().run("clone", "--env", "dev", "--pr", "42");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.err().contains("RDS instance orders-dev-pr-42: creating ("), r.err());
            assertTrue(r.err().contains("RDS instance orders-dev-pr-42: available"), r.err());

            var restores = emu.calls("RestoreDBInstanceFromDBSnapshot");
            var restore = restores.get(restores.size() - 1).params();
            assertEquals("rds:orders-prod-new", restore.get("DBSnapshotIdentifier"), "newest available snapshot, found across pages");
            assertEquals("db.t4g.medium", restore.get("DBInstanceClass"));
            assertEquals("dev-subnets", restore.get("DBSubnetGroupName"));
            assertEquals("mysql80-dev", restore.get("DBParameterGroupName"));
            assertTrue(restore.containsValue("sg-123"), restore.toString());
            Map<String, String> tags = restores.get(restores.size() - 1).tags();
            assertEquals("dbpromote", tags.get(ManagedTags.MANAGED_BY), "our tags on the restore call itself");
            assertEquals("42", tags.get(ManagedTags.PR));
            assertEquals("https://jenkins/job/orders/PR-42/1/", tags.get(ManagedTags.CREATED_BY));
            assertFalse(emu.tagsOf("orders-dev-pr-42").containsKey("team"), "source's tags not copied");
            assertEquals("ready", emu.tagsOf("orders-dev-pr-42").get(ManagedTags.STATE));
            assertEquals(1, emu.calls("ModifyDBInstance").size());

            EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
            EnvironmentRecord record = store.find("dev-pr-42").orElseThrow();
            assertEquals("rds", record.provider());
            String password = store.readCredential(record.credentialRef()).reveal();
            assertFalse(r.out().contains(password) || r.err().contains(password));
            assertFalse(emu.calls("ModifyDBInstance").isEmpty());
            // A usable MySQL database: masked data, and DDL works (what 'dbpromote migrate' does next).
            try (Connection c = Jdbc.open(new ConnectionSpec(record.host(), record.port(), record.database(), record.user(),
                    store.readCredential(record.credentialRef()))); Statement s = c.createStatement()) {
                assertEquals(3, count(s, "SELECT COUNT(*) FROM customers"));
                assertEquals(0, count(s, "SELECT COUNT(*) FROM customers WHERE email LIKE '%x.com'"));
                s.execute("CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY)");
                s.execute("ALTER TABLE orders ADD COLUMN shipped_at DATETIME NULL");
            }

            // The database is decided once and tagged: a record rebuilt from tags on another agent agrees with
            // this one even when RDS reports another initial database (DBName).
            assertEquals(record.database(), emu.tagsOf("orders-dev-pr-42").get(ManagedTags.DATABASE));
            emu.reportDbName("orders-dev-pr-42", "innodb_initial");
            Files.delete(store.recordFile("dev-pr-42"));
            CliRun.Result show = cli().run("env", "show", "--env", "dev", "--pr", "42", "--output", "json");
            assertEquals(0, show.exitCode(), show.toString());
            assertEquals(record.database(), store.find("dev-pr-42").orElseThrow().database(), show.out());

            // Re-run reuses; env list sees it; destroy deletes it (tag checked on RDS itself).
            CliRun.Result again = cli().run("clone", "--env", "dev", "--pr", "42");
            assertTrue(again.out().contains("Clone reused"), again.toString());
            assertEquals(restores.size(), emu.calls("RestoreDBInstanceFromDBSnapshot").size(), "no second restore");
            CliRun.Result list = cli().run("env", "list");
            assertTrue(list.out().contains("orders-dev-pr-42"), list.toString());
            CliRun.Result destroy = cli().run("env", "destroy", "--env", "dev", "--pr", "42");
            assertEquals(0, destroy.exitCode(), destroy.toString());
            assertEquals("true", emu.calls("DeleteDBInstance").get(0).params().get("SkipFinalSnapshot"));
            assertTrue(store.find("dev-pr-42").isEmpty());
        }
    }

    @Test
    void pointInTimeRestoreAndFreshReplacement(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            config(emu, rds(", restoreTime: latest"), "");
            assertEquals(0, cli().run("clone", "--env", "dev", "--pr", "7").exitCode());
            assertEquals("true", emu.calls("RestoreDBInstanceToPointInTime").get(0).params().get("UseLatestRestorableTime"));
            CliRun.Result fresh = cli().run("clone", "--env", "dev", "--pr", "7", "--fresh");
            assertEquals(0, fresh.exitCode(), fresh.toString());
            assertTrue(fresh.out().contains("Clone replaced"), fresh.out());
            assertEquals(1, emu.calls("DeleteDBInstance").size());
            assertEquals(2, emu.calls("RestoreDBInstanceToPointInTime").size());
        }
    }

    @Test
    void auroraClonesCopyOnWriteAndAddsAnInstance(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            config(emu, "  aurora: {cluster: orders-aurora, region: us-west-2, endpoint: 'EMU'}", "");
            CliRun.Result r = cli().run("clone", "--env", "dev", "--pr", "8", "--output", "json");
            assertEquals(0, r.exitCode(), r.toString());
            var restore = emu.calls("RestoreDBClusterToPointInTime").get(0);
            assertEquals("copy-on-write", restore.params().get("RestoreType"));
            assertEquals("dbpromote", restore.tags().get(ManagedTags.MANAGED_BY));
            assertEquals("orders-dev-pr-8", emu.calls("CreateDBInstance").get(0).params().get("DBClusterIdentifier"));
            assertEquals("dbpromote", emu.calls("CreateDBInstance").get(0).tags().get(ManagedTags.MANAGED_BY));
            EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
            EnvironmentRecord record = store.find("dev-pr-8").orElseThrow();
            assertEquals("aurora", record.provider());
            try (Connection c = Jdbc.open(new ConnectionSpec(record.host(), record.port(), record.database(), record.user(),
                    store.readCredential(record.credentialRef()))); Statement s = c.createStatement()) {
                assertEquals(2, count(s, "SELECT COUNT(*) FROM orders"));
                s.execute("CREATE INDEX ix_total ON orders (total)");
            }
            assertEquals(0, cli().run("env", "destroy", "--env", "dev", "--pr", "8").exitCode());
            assertEquals(1, emu.calls("DeleteDBCluster").size());
            assertEquals(1, emu.calls("DeleteDBInstance").size());
        }
    }

    @Test
    void snapshotOfProductionIsTaggedAndWaitedFor(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            config(emu, rds(""), "");
            CliRun.Result r = cli().run("snapshot", "--env", "production");
            assertEquals(0, r.exitCode(), r.toString());
            var create = emu.calls("CreateDBSnapshot").get(0);
            assertEquals("orders-prod", create.params().get("DBInstanceIdentifier"));
            assertTrue(create.params().get("DBSnapshotIdentifier").startsWith("orders-production-"));
            assertEquals("dbpromote", create.tags().get(ManagedTags.MANAGED_BY));
            assertTrue(r.err().contains(": available ("), r.err());
        }
    }

    @Test
    void badInputAndFailuresGiveClearMessagesAndExitCodes(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            // No snapshot yet.
            config(emu, rds(""), "");
            CliRun.Result none = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, none.exitCode(), none.toString());
            assertTrue(none.err().contains("has no snapshot yet"), none.err());

            // Only a snapshot still being created: waited for, within waitTimeout, then a clear timeout.
            emu.addSnapshot("orders-prod-running", "orders-prod", NOW.minusSeconds(30), "manual", "creating");
            config(emu, rds(""), "      waitTimeout: 1s");
            CliRun.Result creating = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(3, creating.exitCode(), creating.toString());
            assertTrue(creating.err().contains("snapshot orders-prod-running did not finish within 1s (last state 'creating')"),
                    creating.err());
            assertTrue(emu.calls("RestoreDBInstanceFromDBSnapshot").isEmpty(), "nothing restored from an unfinished snapshot");

            emu.addSnapshot("orders-prod-a", "orders-prod", NOW.minusSeconds(60), "manual", "available");
            // Named snapshot that does not exist: the message lists the ones that do.
            config(emu, rds(", snapshot: orders-prod-2026-11-20"), "");
            CliRun.Result named = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, named.exitCode(), named.toString());
            assertTrue(named.err().contains("Snapshot 'orders-prod-2026-11-20' not found") && named.err().contains("orders-prod-a"),
                    named.err());

            // Unknown source instance.
            Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml"))
                    .replace("instance: orders-prod, region", "instance: orders-nope, region").replace(", snapshot: orders-prod-2026-11-20", ""));
            CliRun.Result unknown = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.err().contains("Source RDS instance 'orders-nope' not found"), unknown.err());

            // Instance class RDS does not allow.
            config(emu, rds(""), "");
            Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml"))
                    .replace("db.t4g.medium", "db.z9.huge"));
            CliRun.Result cls = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, cls.exitCode(), cls.toString());
            assertTrue(cls.err().contains("db.z9.huge") && cls.err().contains("instanceClass"), cls.err());

            config(emu, rds(""), "");
            // Credentials denied, and missing.
            CliRun.Result denied = cli().env("AWS_ACCESS_KEY_ID", "DENIED").run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, denied.exitCode(), denied.toString());
            assertTrue(denied.err().contains("AWS denied") && denied.err().contains("IAM"), denied.err());
            CliRun.Result missing = CliRun.in(dir).env("AWS_PROFILE", "no-such-profile-dbpromote").run("clone", "--env", "dev", "--pr", "1");
            assertEquals(2, missing.exitCode(), missing.toString());
            assertTrue(missing.err().contains("No AWS credentials"), missing.err());

            // Throttled beyond the retry budget: external failure, exit 3.
            emu.fault(null, RdsEmulator.Fault.THROTTLING, 4);
            CliRun.Result throttled = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(3, throttled.exitCode(), throttled.toString());
            assertTrue(throttled.err().contains("throttling"), throttled.err());

            // No capacity for the class.
            emu.fault("RestoreDBInstanceFromDBSnapshot", RdsEmulator.Fault.CAPACITY, 1);
            CliRun.Result capacity = cli().run("clone", "--env", "dev", "--pr", "1");
            assertEquals(3, capacity.exitCode(), capacity.toString());
            assertTrue(capacity.err().contains("no capacity"), capacity.err());

            // A restore that never becomes available: clear timeout, the half-made instance is tagged, destroy removes it.
            emu.neverAvailable(true);
            config(emu, rds(""), "      waitTimeout: 2s");
            CliRun.Result timeout = cli().run("clone", "--env", "dev", "--pr", "2");
            assertEquals(3, timeout.exitCode(), timeout.toString());
            assertTrue(timeout.err().contains("did not finish within 2s") && timeout.err().contains("env reap"), timeout.err());
            assertEquals("dbpromote", emu.tagsOf("orders-dev-pr-2").get(ManagedTags.MANAGED_BY));
            assertFalse(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-2").isPresent());
            emu.neverAvailable(false);
            assertEquals(0, cli().run("env", "destroy", "--env", "dev", "--pr", "2").exitCode());

            // An instance dbpromote did not create: destroy refuses, exit 2.
            emu.addForeignInstance("orders-analytics");
            CliRun.Result foreign = cli().run("env", "destroy", "--env", "dev", "--id", "orders-analytics");
            assertEquals(2, foreign.exitCode(), foreign.toString());
            assertTrue(foreign.err().contains("Refusing to delete 'orders-analytics'"), foreign.err());
            CliRun.Result source2 = cli().run("env", "destroy", "--env", "dev", "--id", "orders-prod");
            assertEquals(2, source2.exitCode(), source2.toString());
            assertTrue(emu.calls("DeleteDBInstance").stream().noneMatch(c -> c.params().get("DBInstanceIdentifier").equals("orders-analytics")
                    || c.params().get("DBInstanceIdentifier").equals("orders-prod")));
        }
    }

    @Test
    void reapDeletesExpiredManagedInstancesOnly(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            emu.addSnapshot("orders-prod-a", "orders-prod", NOW.minusSeconds(60), "manual", "available");
            emu.addForeignInstance("orders-analytics");
            config(emu, rds(""), "");
            Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml")).replace("ttl: 72h", "ttl: 1s"));
            assertEquals(0, cli().run("clone", "--env", "dev", "--pr", "3").exitCode());
            config(emu, rds(""), "");
            assertEquals(0, cli().run("clone", "--env", "dev", "--pr", "4").exitCode());
            Thread.sleep(1200);
            CliRun.Result dry = cli().run("env", "reap", "--dry-run", "--output", "json");
            assertEquals(0, dry.exitCode(), dry.toString());
            assertTrue(dry.out().contains("orders-dev-pr-3") && !dry.out().contains("orders-dev-pr-4"), dry.out());
            assertTrue(emu.calls("DeleteDBInstance").isEmpty(), "dry run deletes nothing");
            CliRun.Result reap = cli().run("env", "reap");
            assertEquals(0, reap.exitCode(), reap.toString());
            assertEquals(java.util.List.of("orders-dev-pr-3"), emu.calls("DeleteDBInstance").stream()
                    .map(c -> c.params().get("DBInstanceIdentifier")).toList(), "only the expired managed clone");
            assertFalse(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-3").isPresent());
            assertTrue(new EnvironmentStore(dir.resolve(".dbpromote")).find("dev-pr-4").isPresent());
        }
    }

    @Test
    void concurrentRunsOnTwoAgentsMakeOneInstance(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        try (RdsEmulator emu = emulator(server, source)) {
            emu.transition(Duration.ofSeconds(2));
            emu.addSnapshot("orders-prod-a", "orders-prod", NOW.minusSeconds(60), "manual", "available");
            config(emu, rds(""), "");
            Path other = dir.resolve("agent2");
            Files.createDirectories(other);
            Files.copy(dir.resolve("dbpromote.yaml"), other.resolve("dbpromote.yaml"));
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(() -> cli().run("clone", "--env", "dev", "--pr", "9"));
                var b = pool.submit(() -> CliRun.in(other).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                        .env("DBPROMOTE_POLL_INITIAL", "50").run("clone", "--env", "dev", "--pr", "9"));
                CliRun.Result ra = a.get();
                CliRun.Result rb = b.get();
                assertEquals(0, ra.exitCode(), ra.toString());
                assertEquals(0, rb.exitCode(), rb.toString());
                assertEquals(2, emu.calls("RestoreDBInstanceFromDBSnapshot").size(), "both tried");
                assertEquals(1, emu.calls("DescribeDBInstances").stream().map(c -> c.params().get("DBInstanceIdentifier"))
                        .filter("orders-dev-pr-9"::equals).findAny().map(x -> 1).orElse(0));
                assertTrue(ra.out().contains("Clone created") ^ rb.out().contains("Clone created"), ra.out() + rb.out());
                assertTrue(emu.exists("orders-dev-pr-9"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
