package dev.dbpromote.clone.rdsemu;

import static dev.dbpromote.bluegreen.ReplicaPair.await;
import static dev.dbpromote.bluegreen.ReplicaPair.column;
import static dev.dbpromote.bluegreen.ReplicaPair.count;
import static dev.dbpromote.bluegreen.ReplicaPair.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.bluegreen.RdsBlueGreen;
import dev.dbpromote.bluegreen.ReplicaPair;
import dev.dbpromote.clone.rdsemu.RdsBlueGreenEmulation.SwitchoverFault;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.demo.SteadyWriter;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RDS and Aurora blue/green through the real command line, the real AWS SDK and the RDS emulator, whose green is a
 * second MariaDB server really replicating from blue's: every effect is checked on the servers and in the API calls.
 */
class RdsBlueGreenTest {

    private static final AtomicInteger N = new AtomicInteger();
    private static final String AWS_SECRET = "aws-secret-key-never-printed";
    private static ReplicaPair pair;

    @TempDir
    Path dir;

    private RdsEmulator emu;
    private final List<CliRun.Result> outputs = new ArrayList<>();

    @BeforeAll
    static void start() {
        pair = ReplicaPair.start();
        // RDS's green is a copy of the whole instance, its users included.
        exec(pair.green.root(null), "CREATE USER 'admin'@'%' IDENTIFIED BY '" + ReplicaPair.BLUE_PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%' WITH GRANT OPTION");
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @AfterEach
    void freeThePair() {
        if (emu != null) {
            emu.close();
        }
        exec(pair.green.root(null), "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL replicate_do_db = ''", "SET GLOBAL read_only = OFF");
        exec(pair.blue.root(null), "SET GLOBAL read_only = OFF");
        for (CliRun.Result r : outputs) {
            assertFalse(r.out().contains(ReplicaPair.BLUE_PASSWORD) || r.err().contains(ReplicaPair.BLUE_PASSWORD), "a password in " + r);
            assertFalse(r.out().contains(AWS_SECRET) || r.err().contains(AWS_SECRET), "the AWS secret key in " + r);
        }
    }

    /** Blue's database on the blue server, the emulator serving it as RDS instance orders-prod and Aurora cluster orders-aurora. */
    private String setUp(boolean aurora, String extra) throws Exception {
        String db = "rdsbg" + N.incrementAndGet();
        exec(pair.blue.root(null), "CREATE DATABASE " + db,
                "CREATE TABLE " + db + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(40) NOT NULL, total DECIMAL(10,2))",
                "INSERT INTO " + db + ".orders (customer, total) SELECT CONCAT('c', seq), seq / 3 FROM " + db + ".seq_1_to_500");
        emu = new RdsEmulator(pair.blue).transition(Duration.ofMillis(200));
        emu.blueGreen().greenServer(pair.green, new ConnectionSpec("127.0.0.1", pair.blue.port(), null, "admin",
                Secret.of(ReplicaPair.BLUE_PASSWORD, "test")));
        emu.addSourceInstance("orders-prod", db, "admin");
        emu.addSourceCluster("orders-aurora", db, "admin");
        emu.blueGreen().addParameterGroup("orders-green-rw", "0").addClusterParameterGroup("orders-green-rw", "0");
        Files.createDirectories(dir.resolve("db/migrations"));
        Files.writeString(dir.resolve("db/migrations/V1__baseline.sql"), "SELECT 1;\n");
        Files.writeString(dir.resolve("db/migrations/V2__channel.sql"), "ALTER TABLE orders ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'web';\n");
        Files.writeString(dir.resolve("db/expectations.yaml"), """
                suite: shop
                tables:
                  orders:
                    expectations:
                      - expect_column_values_to_not_be_null: {column: customer}
                      - expect_table_row_count_to_equal_source:
                """);
        String blue = aurora ? "aurora: {cluster: orders-aurora" : "rds: {instance: orders-prod";
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: shop
                source:
                  rds: {instance: orders-prod, region: us-west-2, endpoint: '%s'}
                  database: %s
                  user: admin
                  passwordEnv: BLUE_DB_PASSWORD
                migrations: {locations: [db/migrations], baselineVersion: "1"}
                validate: {suite: db/expectations.yaml, compare: source}
                environments:
                  production:
                    protected: true
                    database:
                      strategy: blue-green
                      %s, region: us-west-2, endpoint: '%s'}
                      database: %s
                      user: admin
                      passwordEnv: BLUE_DB_PASSWORD
                      greenParameterGroup: orders-green-rw
                      switchoverTimeout: 30s
                %s
                """.formatted(emu.endpoint(), db, blue, emu.endpoint(), db, extra.indent(6)));
        return db;
    }

    private CliRun.Result run(String... args) {
        CliRun.Result r = CliRun.in(dir).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
                .env("DBPROMOTE_POLL_INITIAL", "50").env("DBPROMOTE_AWS_MAX_ATTEMPTS", "2").env("BLUE_DB_PASSWORD", ReplicaPair.BLUE_PASSWORD)
                .env("BUILD_URL", "https://jenkins/job/shop/main/7/").run(args);
        outputs.add(r);
        return r;
    }

    /** API calls that change something (everything but Describe*, List*). */
    private List<String> changes() {
        return emu.calls().stream().map(RdsEmulator.Call::action).filter(a -> !a.startsWith("Describe") && !a.startsWith("List")).toList();
    }

    private static String writerRows(long upTo) {
        return "orders WHERE customer LIKE 'w%' AND CAST(SUBSTRING(customer, 2) AS UNSIGNED) <= " + upTo;
    }

    @Test
    void rdsInstancePromotionReplicatesMigratesValidatesSwitchesOverWithoutLosingAWriteAndKeepsBlueUntilReaped() throws Exception {
        String db = setUp(false, "keepBlueFor: 6s");
        for (ConnectionSpec server : List.of(pair.blue.root(null), pair.green.root(null))) {
            exec(server, "CREATE USER 'app" + db + "'@'%' IDENTIFIED BY 'app-pass'", "GRANT SELECT, INSERT ON " + db + ".* TO 'app" + db + "'@'%'");
        }
        ConnectionSpec blue = pair.blue.root(db);
        ConnectionSpec green = pair.green.root(db);

        CliRun.Result early = run("migrate", "--env", "production");
        assertEquals(2, early.exitCode(), early.toString());
        assertTrue(early.err().contains("bluegreen create"), early.err());
        CliRun.Result plan = run("bluegreen", "create", "--env", "production", "--dry-run");
        assertEquals(0, plan.exitCode(), plan.toString());
        assertEquals(List.of(), changes(), "a dry run changes nothing");

        CliRun.Result created = run("bluegreen", "create", "--env", "production", "--output", "json");
        assertEquals(0, created.exitCode(), created.toString());
        assertTrue(created.out().contains("\"outcome\" : \"created\"") && created.out().contains("\"deployment\" : \"bgd-"), created.out());
        assertTrue(created.err().contains("PROVISIONING") && created.err().contains("AVAILABLE"), "progress lines: " + created.err());
        RdsEmulator.Call create = emu.calls("CreateBlueGreenDeployment").get(0);
        assertEquals("orders-green-rw", create.params().get("TargetDBParameterGroupName"));
        assertEquals("arn:aws:rds:us-west-2:123456789012:db:orders-prod", create.params().get("Source"));
        assertEquals(Map.of(ManagedTags.MANAGED_BY, "dbpromote", ManagedTags.APP, "shop", ManagedTags.ENV, "production",
                ManagedTags.CREATED_BY, "https://jenkins/job/shop/main/7/"), create.tags());
        // Real replication: a write to blue after creation appears on green.
        exec(blue, "INSERT INTO orders (customer, total) VALUES ('after-create', 1)");
        await(green, "SELECT COUNT(*) FROM orders WHERE customer = 'after-create'", "1");

        CliRun.Result again = run("bluegreen", "create", "--env", "production", "--output", "json");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("\"outcome\" : \"reused\""), again.out());
        assertEquals(1, emu.calls("CreateBlueGreenDeployment").size(), "never two");

        CliRun.Result migrated = run("migrate", "--env", "production");
        assertEquals(0, migrated.exitCode(), migrated.toString());
        assertEquals(1, column(green, "SHOW COLUMNS FROM orders LIKE 'channel'").size(), "green migrated");
        assertTrue(column(blue, "SHOW COLUMNS FROM orders LIKE 'channel'").isEmpty(), "blue untouched by the migration");
        exec(blue, "INSERT INTO orders (customer, total) VALUES ('after-migrate', 2)");
        await(green, "SELECT channel FROM orders WHERE customer = 'after-migrate'", "web");

        CliRun.Result validated = run("validate", "--env", "production", "--output", "json");
        assertEquals(0, validated.exitCode(), validated.toString());
        assertTrue(validated.err().contains("Migrations on green but not on blue: 2"), validated.err());

        CliRun.Result status = run("bluegreen", "status", "--env", "production", "--output", "json");
        assertEquals(0, status.exitCode(), status.toString());
        assertTrue(status.out().contains("\"phase\" : \"replicating\""), status.out());

        // The application writes to production by its name (orders-prod) through the switchover. (Not during validate: green
        // cannot be held at one point of blue's history through the RDS API, so a table taking writes may compare unequal.)
        SteadyWriter writer = SteadyWriter.start(() -> new ConnectionSpec("127.0.0.1", emu.portOf("orders-prod"), db, "app" + db,
                Secret.of("app-pass", "test")), "INSERT INTO orders (customer, total) VALUES (CONCAT('w', ?), 1)", Duration.ofMillis(5));
        Thread.sleep(300);
        Instant before = Instant.now();
        CliRun.Result switched = run("bluegreen", "switchover", "--env", "production", "--output", "json");
        assertEquals(0, switched.exitCode(), switched.toString());
        assertTrue(switched.out().contains("\"outcome\" : \"switched-over\""), switched.out());
        assertEquals("30", emu.calls("SwitchoverBlueGreenDeployment").get(0).params().get("SwitchoverTimeout"));
        assertEquals(pair.green.port(), emu.portOf("orders-prod"), "blue's name now leads to green");
        assertEquals(pair.blue.port(), emu.portOf("orders-prod-old1"), "and the old blue is renamed -old1");

        long deadline = System.nanoTime() + 20_000_000_000L;
        String greenAt = "127.0.0.1:" + pair.green.port();
        String blueAt = "127.0.0.1:" + pair.blue.port();
        while (writer.stats().writtenTo().getOrDefault(greenAt, 0L) < 20 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the application reconnects to orders-prod, now green
        }
        writer.close();
        SteadyWriter.Stats w = writer.stats();
        assertTrue(w.writtenTo().getOrDefault(blueAt, 0L) > 0 && w.writtenTo().getOrDefault(greenAt, 0L) >= 20, w.toString());
        assertEquals(w.writtenTo().get(blueAt), Long.valueOf(count(green, writerRows(w.lastSeqOn().get(blueAt)))),
                "every write blue took is on green");
        assertEquals(w.written(), count(green, "orders WHERE customer LIKE 'w%'"), "every accepted write is on green, once");
        assertEquals(0, w.uncertain());

        // The old blue: ours now, kept for keepBlueFor.
        Map<String, String> tags = emu.tagsOf("orders-prod-old1");
        assertEquals("dbpromote", tags.get(ManagedTags.MANAGED_BY));
        assertEquals("production", tags.get(ManagedTags.ENV));
        assertEquals(RdsBlueGreen.OLD_BLUE, tags.get(RdsBlueGreen.ROLE));
        Instant expires = Instant.parse(tags.get(ManagedTags.EXPIRES_AT));
        assertTrue(!expires.isBefore(before.plusSeconds(6)) && expires.isBefore(Instant.now().plusSeconds(7)), expires.toString());
        assertTrue(run("bluegreen", "switchover", "--env", "production").out().contains("already switched over"));
        assertEquals(2, run("bluegreen", "delete", "--env", "production").exitCode(), "green is production now: never deleted");

        // An -old1 someone else left, and production itself carrying our old-blue tags: never reaped.
        emu.addForeignInstance("orders-prod-old9");
        emu.tag("orders-prod-old9", RdsBlueGreen.ROLE, RdsBlueGreen.OLD_BLUE);
        emu.tag("orders-prod-old9", ManagedTags.EXPIRES_AT, "2020-01-01T00:00:00Z");
        for (String[] t : new String[][] {{ManagedTags.MANAGED_BY, "dbpromote"}, {ManagedTags.APP, "shop"}, {ManagedTags.ENV, "production"},
                {RdsBlueGreen.ROLE, RdsBlueGreen.OLD_BLUE}, {ManagedTags.EXPIRES_AT, "2020-01-01T00:00:00Z"}}) {
            emu.tag("orders-prod", t[0], t[1]);
        }
        CliRun.Result early1 = run("env", "reap");
        assertEquals(0, early1.exitCode(), early1.toString());
        assertTrue(emu.exists("orders-prod-old1"), "not before keepBlueFor");
        assertTrue(emu.calls("DeleteDBInstance").isEmpty(), emu.calls("DeleteDBInstance").toString());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis() + 200));
        CliRun.Result dry = run("env", "reap", "--dry-run");
        assertTrue(dry.out().contains("would delete rds orders-prod-old1"), dry.out());
        assertTrue(emu.calls("DeleteDBInstance").isEmpty());
        CliRun.Result reaped = run("env", "reap");
        assertEquals(0, reaped.exitCode(), reaped.toString());
        assertTrue(reaped.out().contains("deleted rds orders-prod-old1"), reaped.out());
        List<RdsEmulator.Call> deletes = emu.calls("DeleteDBInstance");
        assertEquals(1, deletes.size(), deletes.toString());
        assertEquals("orders-prod-old1", deletes.get(0).params().get("DBInstanceIdentifier"));
        assertEquals("orders-prod-old1-final", deletes.get(0).params().get("FinalDBSnapshotIdentifier"));
        assertTrue(emu.exists("orders-prod") && emu.exists("orders-prod-old9"), "production and the untagged -old9 stay");
        assertEquals(500 + 2 + w.written(), count(green, "orders"), "production's data is intact");
    }

    @Test
    void auroraClusterPromotionSwitchesOverAndTagsTheOldBlueCluster() throws Exception {
        String db = setUp(true, "keepBlueFor: 24h");
        emu.addClusterMember("orders-aurora", "orders-aurora-1");
        CliRun.Result created = run("bluegreen", "create", "--env", "production");
        assertEquals(0, created.exitCode(), created.toString());
        RdsEmulator.Call create = emu.calls("CreateBlueGreenDeployment").get(0);
        assertEquals("orders-green-rw", create.params().get("TargetDBClusterParameterGroupName"));
        assertEquals("arn:aws:rds:us-west-2:123456789012:cluster:orders-aurora", create.params().get("Source"));
        exec(pair.blue.root(db), "INSERT INTO orders (customer, total) VALUES ('after-create', 1)");
        await(pair.green.root(db), "SELECT COUNT(*) FROM orders WHERE customer = 'after-create'", "1");
        assertEquals(0, run("migrate", "--env", "production").exitCode());
        assertEquals(1, column(pair.green.root(db), "SHOW COLUMNS FROM orders LIKE 'channel'").size());
        assertEquals(0, run("validate", "--env", "production").exitCode());
        exec(pair.blue.root(db), "INSERT INTO orders (customer, total) VALUES ('last-on-blue', 1)");
        CliRun.Result switched = run("bluegreen", "switchover", "--env", "production");
        assertEquals(0, switched.exitCode(), switched.toString());
        assertEquals(pair.green.port(), emu.portOf("orders-aurora"));
        assertEquals("1", column(pair.green.root(db), "SELECT COUNT(*) FROM orders WHERE customer = 'last-on-blue'").get(0), "no lost write");
        Map<String, String> tags = emu.tagsOf("orders-aurora-old1");
        assertEquals(RdsBlueGreen.OLD_BLUE, tags.get(RdsBlueGreen.ROLE));
        assertTrue(Instant.parse(tags.get(ManagedTags.EXPIRES_AT)).isAfter(Instant.now().plus(Duration.ofHours(23))));
        assertEquals(RdsBlueGreen.OLD_BLUE, emu.tagsOf("orders-aurora-1-old1").get(RdsBlueGreen.ROLE), "the old blue's instance too");
        assertTrue(emu.exists("orders-aurora-1"), "the green writer serves under the old instance name");
        assertEquals(0, run("env", "reap").exitCode());
        assertTrue(emu.exists("orders-aurora-old1"), "kept for keepBlueFor");
        emu.tag("orders-aurora-old1", ManagedTags.EXPIRES_AT, Instant.now().minusSeconds(1).toString()); // a day later
        CliRun.Result reaped = run("env", "reap");
        assertTrue(reaped.out().contains("deleted aurora orders-aurora-old1"), reaped.out());
        assertEquals("orders-aurora-old1", emu.calls("DeleteDBCluster").get(0).params().get("DBClusterIdentifier"));
        assertEquals(List.of("orders-aurora-1-old1"), emu.calls("DeleteDBInstance").stream()
                .map(c -> c.params().get("DBInstanceIdentifier")).toList(), "its instance first, never production's");
        assertFalse(emu.exists("orders-aurora-1-old1"), "gone before the cluster was deleted: " + reaped);
        assertTrue(emu.exists("orders-aurora"));
        // A new promotion starts from the new production; the finished deployment is only a record and is removed.
        assertEquals(0, run("bluegreen", "create", "--env", "production", "--dry-run").exitCode());
    }

    @Test
    void deleteBeforeSwitchoverRemovesGreenWithItsDeploymentAndNeverTouchesBlue() throws Exception {
        String db = setUp(false, "");
        assertEquals(0, run("bluegreen", "create", "--env", "production").exitCode());
        String blueBefore = column(pair.blue.root(db), "CHECKSUM TABLE orders").toString();
        Map<String, String> blueTags = emu.tagsOf("orders-prod");
        String id = emu.blueGreen().deploymentIds().get(0);
        assertEquals(0, run("bluegreen", "delete", "--env", "production", "--dry-run").exitCode());
        assertTrue(emu.calls("DeleteBlueGreenDeployment").isEmpty(), "a dry run deletes nothing");
        assertEquals(0, run("bluegreen", "switchover", "--env", "production", "--dry-run").exitCode());
        assertTrue(emu.calls("SwitchoverBlueGreenDeployment").isEmpty(), "a dry run switches nothing");
        CliRun.Result del = run("bluegreen", "delete", "--env", "production");
        assertEquals(0, del.exitCode(), del.toString());
        assertEquals("true", emu.calls("DeleteBlueGreenDeployment").get(0).params().get("DeleteTarget"));
        assertEquals("gone", emu.blueGreen().statusOf(id));
        assertTrue(column(pair.green.root(null), "SHOW DATABASES LIKE '" + db + "'").isEmpty(), "green's copy is gone");
        assertEquals(blueBefore, column(pair.blue.root(db), "CHECKSUM TABLE orders").toString(), "blue's data untouched");
        assertEquals(blueTags, emu.tagsOf("orders-prod"), "blue's tags untouched");
        assertEquals(pair.blue.port(), emu.portOf("orders-prod"));
        assertEquals(Set.of("CreateBlueGreenDeployment", "DeleteBlueGreenDeployment"), Set.copyOf(changes()), "nothing else changed");
        assertEquals(0, run("bluegreen", "delete", "--env", "production").exitCode(), "nothing left to delete");
        assertEquals(2, run("validate", "--env", "production").exitCode(), "no green: run create first");
    }

    @Test
    void aMissingOrReadOnlyGreenParameterGroupIsExit2BeforeAnythingIsCreated() throws Exception {
        setUp(false, "");
        Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml")).replace("orders-green-rw", "orders-green-x"));
        CliRun.Result missing = run("bluegreen", "create", "--env", "production");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("'orders-green-x'") && missing.err().contains("does not exist")
                && missing.err().contains("aws rds create-db-parameter-group") && missing.err().contains("aws rds modify-db-parameter-group")
                && missing.err().contains("ParameterName=read_only,ParameterValue=0"), missing.err());
        emu.blueGreen().addParameterGroup("orders-green-x", null);
        CliRun.Result readOnly = run("bluegreen", "create", "--env", "production");
        assertEquals(2, readOnly.exitCode(), readOnly.toString());
        assertTrue(readOnly.err().contains("read_only={TrueIfReplica}") && readOnly.err().contains("would be read-only") && readOnly.err().contains("modify-db-parameter-group"), readOnly.err());
        emu.blueGreen().addParameterGroup("orders-green-x", "1");
        assertTrue(run("bluegreen", "create", "--env", "production").err().contains("sets read_only=1"));
        assertEquals(List.of(), changes(), "nothing created");
    }

    @Test
    void aDeploymentSomeoneElseMadeOnBlueIsRefusedNeverTwo() throws Exception {
        setUp(false, "");
        emu.blueGreen().addForeignDeployment("orders-prod", "dba-upgrade-to-84");
        CliRun.Result r = run("bluegreen", "create", "--env", "production");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("not created by dbpromote") && r.err().contains("dba-upgrade-to-84"), r.err());
        assertEquals(List.of(), changes());
        assertEquals(0, run("bluegreen", "delete", "--env", "production").exitCode(), "not ours: nothing to delete");
        assertTrue(emu.calls("DeleteBlueGreenDeployment").isEmpty(), "never deletes what it did not create");
    }

    @Test
    void ourDeploymentInAStateThatCannotBeReusedIsRefusedNeverASecondOne() throws Exception {
        setUp(false, "");
        assertEquals(0, run("bluegreen", "create", "--env", "production").exitCode());
        String id = emu.blueGreen().deploymentIds().get(0);
        emu.blueGreen().setStatus(id, "INVALID_CONFIGURATION", "Replication from blue is broken.");
        CliRun.Result again = run("bluegreen", "create", "--env", "production");
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains(id) && again.err().contains("INVALID_CONFIGURATION") && again.err().contains("never creates two")
                && again.err().contains("bluegreen delete"), again.err());
        CliRun.Result sw = run("bluegreen", "switchover", "--env", "production");
        assertEquals(1, sw.exitCode(), sw.toString());
        assertTrue(sw.out().contains("Replication from blue is broken"), sw.out());
        assertEquals(List.of("CreateBlueGreenDeployment"), changes(), "refusals change nothing");
        assertEquals(0, run("bluegreen", "delete", "--env", "production").exitCode());
        assertEquals("gone", emu.blueGreen().statusOf(id));
    }

    @Test
    void greenNeverAvailableIsExit3NamingTheWayOutAndDeleteCleansUp() throws Exception {
        setUp(false, "waitTimeout: 2s");
        emu.blueGreen().neverAvailable(true);
        CliRun.Result r = run("bluegreen", "create", "--env", "production");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.err().contains("PROVISIONING") && r.err().contains("did not finish within 2s") && r.err().contains("bluegreen delete"),
                r.err());
        CliRun.Result sw = run("bluegreen", "switchover", "--env", "production");
        assertEquals(1, sw.exitCode(), sw.toString());
        assertTrue(sw.out().contains("not AVAILABLE"), sw.out());
        assertTrue(emu.calls("SwitchoverBlueGreenDeployment").isEmpty());
        assertEquals(0, run("bluegreen", "delete", "--env", "production").exitCode());
        assertEquals(1, emu.calls("DeleteBlueGreenDeployment").size());
    }

    @Test
    void aFailedOrTimedOutSwitchoverIsExit3SayingRdsRolledBackAndBlueStillServes() throws Exception {
        String db = setUp(false, "");
        assertEquals(0, run("bluegreen", "create", "--env", "production").exitCode());
        emu.blueGreen().switchoverFault(SwitchoverFault.TIMES_OUT);
        CliRun.Result timeout = run("bluegreen", "switchover", "--env", "production");
        assertEquals(3, timeout.exitCode(), timeout.toString());
        assertTrue(timeout.err().contains("timed out after 30 seconds") && timeout.err().contains("RDS rolls a switchover back")
                && timeout.err().contains("still serves"), timeout.err());
        assertEquals(pair.blue.port(), emu.portOf("orders-prod"), "blue still serves");
        exec(pair.blue.root(db), "INSERT INTO orders (customer, total) VALUES ('after-rollback', 1)");
        await(pair.green.root(db), "SELECT COUNT(*) FROM orders WHERE customer = 'after-rollback'", "1");
        emu.blueGreen().switchoverFault(SwitchoverFault.FAILS);
        CliRun.Result failed = run("bluegreen", "switchover", "--env", "production");
        assertEquals(3, failed.exitCode(), failed.toString());
        assertTrue(failed.err().contains("SWITCHOVER_FAILED") && failed.err().contains("rolled back"), failed.err());
        emu.blueGreen().switchoverFault(SwitchoverFault.NONE);
        assertEquals(0, run("bluegreen", "switchover", "--env", "production").exitCode(), "retried once the cause is gone");
    }

    @Test
    void aLongTransactionOnBlueRefusesTheSwitchoverWithExit1AndChangesNothing() throws Exception {
        String db = setUp(false, "maxTransactionAge: 1s");
        assertEquals(0, run("bluegreen", "create", "--env", "production").exitCode());
        try (java.sql.Connection c = dev.dbpromote.db.Jdbc.open(pair.blue.root(db)); java.sql.Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
            s.execute("UPDATE orders SET total = total WHERE id = 1");
            Thread.sleep(2500);
            CliRun.Result r = run("bluegreen", "switchover", "--env", "production");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.out().contains("maxTransactionAge") && r.out().contains("mysql.rds_kill"), r.out());
            s.execute("ROLLBACK");
        }
        assertEquals(List.of("CreateBlueGreenDeployment"), changes(), "refused: no switchover requested");
        assertEquals(pair.blue.port(), emu.portOf("orders-prod"));
        assertEquals(0, run("bluegreen", "switchover", "--env", "production").exitCode(), "once it finished, the switchover runs");
    }

    @Test
    void replicaLagAboveTheLimitRefusesTheSwitchoverWithExit1AndChangesNothing() throws Exception {
        String db = setUp(false, "maxReplicaLag: 1s");
        assertEquals(0, run("bluegreen", "create", "--env", "production").exitCode());
        exec(pair.green.root(null), "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 30", "START SLAVE");
        exec(pair.blue.root(db), "INSERT INTO orders (customer) VALUES ('lagging')");
        Thread.sleep(2500);
        CliRun.Result lag = run("bluegreen", "switchover", "--env", "production");
        assertEquals(1, lag.exitCode(), lag.toString());
        assertTrue(lag.out().contains("maxReplicaLag") && lag.out().contains("Nothing was changed"), lag.out());
        assertTrue(emu.calls("SwitchoverBlueGreenDeployment").isEmpty());
        exec(pair.green.root(null), "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
        assertEquals(0, run("bluegreen", "delete", "--env", "production").exitCode());
    }
}
