package dev.dbpromote.bluegreen;

import static dev.dbpromote.bluegreen.ReplicaPair.await;
import static dev.dbpromote.bluegreen.ReplicaPair.column;
import static dev.dbpromote.bluegreen.ReplicaPair.count;
import static dev.dbpromote.bluegreen.ReplicaPair.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.demo.SteadyWriter;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blue/green commands on two embedded MariaDB servers with real replication between them: everything through the
 * real command line, every effect checked on the servers themselves.
 */
class SelfManagedBlueGreenTest {

    private static final AtomicInteger N = new AtomicInteger();
    private static ReplicaPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pair = ReplicaPair.start();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /** One green serves one promotion at a time: whatever a test left, the next starts from a free pair. */
    @AfterEach
    void freeThePair() {
        exec(pair.green.root(null), "STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL replicate_do_db = ''", "SET GLOBAL read_only = OFF");
        exec(pair.blue.root(null), "SET GLOBAL read_only = OFF");
    }

    /** A repository whose production is blue/green on the pair, with its own database; returns the database's name. */
    private String repo(String extra, String... migrations) throws Exception {
        String db = "shop" + N.incrementAndGet();
        exec(pair.blue.root(null), "CREATE DATABASE " + db,
                "CREATE TABLE " + db + ".orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(40) NOT NULL, total DECIMAL(10,2))",
                "CREATE TABLE " + db + ".customers (id BIGINT PRIMARY KEY, email VARCHAR(80), legacy VARCHAR(10), created DATE)",
                "INSERT INTO " + db + ".orders (customer, total) SELECT CONCAT('c', seq), seq / 3 FROM " + db + ".seq_1_to_2000",
                "INSERT INTO " + db + ".customers SELECT seq, CONCAT('u', seq, '@example.com'), NULL, '2025-01-01' FROM " + db + ".seq_1_to_300");
        Files.createDirectories(dir.resolve("db/migrations"));
        Files.writeString(dir.resolve("db/migrations/V1__baseline.sql"), "SELECT 1;\n");
        for (int i = 0; i < migrations.length; i++) {
            Files.writeString(dir.resolve("db/migrations/V" + (i + 2) + "__change.sql"), migrations[i]);
        }
        Files.writeString(dir.resolve("db/expectations.yaml"), """
                suite: shop
                tables:
                  orders:
                    expectations:
                      - expect_column_values_to_not_be_null: {column: customer}
                      - expect_table_row_count_to_equal_source:
                """);
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: shop
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                migrations: {locations: [db/migrations], baselineVersion: "1"}
                validate: {suite: db/expectations.yaml, compare: source}
                environments:
                  production:
                    protected: true
                    database:
                      strategy: blue-green
                      host: 127.0.0.1
                      port: %d
                      database: %s
                      user: admin
                      passwordEnv: BLUE_DB_PASSWORD
                      green: {host: 127.0.0.1, port: %d, user: root}
                %s
                """.formatted(pair.blue.port(), db, pair.blue.port(), db, pair.green.port(), extra.indent(6)));
        return db;
    }

    private CliRun cli() {
        return CliRun.in(dir).env("BLUE_DB_PASSWORD", ReplicaPair.BLUE_PASSWORD);
    }

    /** The writer's rows (customer w1, w2, ...) up to write number {@code upTo}. */
    private static String writerRows(long upTo) {
        return "orders WHERE customer LIKE 'w%' AND CAST(SUBSTRING(customer, 2) AS UNSIGNED) <= " + upTo;
    }

    private static boolean readOnly(ConnectionSpec server) {
        return column(server, "SELECT @@GLOBAL.read_only").get(0).equals("1");
    }

    @Test
    void wholePromotionReplicatesMigratesValidatesAndSwitchesOverWithoutLosingAWrite() throws Exception {
        String db = repo("switchoverTimeout: 30s\nkeepBlueFor: 2h",
                "ALTER TABLE orders ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'web';\nCREATE INDEX ix_customer ON orders (customer);\n");
        for (ConnectionSpec server : List.of(pair.blue.root(null), pair.green.root(null))) {
            exec(server, "CREATE USER 'app" + db + "'@'%' IDENTIFIED BY 'app-pass'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON " + db + ".* TO 'app" + db + "'@'%'");
        }
        ConnectionSpec blue = pair.blue.root(db);
        ConnectionSpec green = pair.green.root(db);
        Secret appPassword = Secret.of("app-pass", "test");
        ConnectionSpec appOnBlue = new ConnectionSpec("127.0.0.1", pair.blue.port(), db, "app" + db, appPassword);
        ConnectionSpec appOnGreen = new ConnectionSpec("127.0.0.1", pair.green.port(), db, "app" + db, appPassword);
        EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
        long before = count(blue, "orders");

        assertEquals(2, cli().run("migrate", "--env", "production").exitCode(), "no green yet: run bluegreen create first");
        assertEquals(0, cli().run("bluegreen", "create", "--env", "production", "--dry-run").exitCode());
        assertTrue(column(pair.green.root(null), "SHOW DATABASES LIKE '" + db + "'").isEmpty(), "a dry run creates nothing");

        // The application writes during the whole promotion, to wherever production is.
        SteadyWriter writer = SteadyWriter.start(
                () -> "switched-over".equals(SelfManagedBlueGreen.phase(store, "production")) ? appOnGreen : appOnBlue,
                "INSERT INTO orders (customer, total) VALUES (CONCAT('w', ?), 1)", Duration.ofMillis(5));

        CliRun.Result created = cli().run("bluegreen", "create", "--env", "production", "--output", "json");
        assertEquals(0, created.exitCode(), created.toString());
        assertTrue(created.out().contains("\"outcome\" : \"created\""), created.out());
        // Real replication: a write to blue after the copy reaches green.
        exec(blue, "INSERT INTO orders (customer, total) VALUES ('after-copy', 1)");
        await(green, "SELECT COUNT(*) FROM orders WHERE customer = 'after-copy'", "1");

        // A second create reuses green: never two.
        CliRun.Result again = cli().run("bluegreen", "create", "--env", "production", "--output", "json");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("\"outcome\" : \"reused\""), again.out());

        CliRun.Result migrated = cli().run("migrate", "--env", "production");
        assertEquals(0, migrated.exitCode(), migrated.toString());
        assertTrue(column(green, "SHOW COLUMNS FROM orders LIKE 'channel'").size() == 1, "green migrated");
        assertTrue(column(blue, "SHOW COLUMNS FROM orders LIKE 'channel'").isEmpty(), "blue untouched by the migration");

        // Blue keeps taking writes; replication into green's wider table goes on.
        exec(blue, "INSERT INTO orders (customer, total) VALUES ('after-migrate', 2)", "UPDATE customers SET email = 'x@example.com' WHERE id = 7");
        await(green, "SELECT channel FROM orders WHERE customer = 'after-migrate'", "web");

        CliRun.Result validated = cli().run("validate", "--env", "production", "--output", "json");
        assertEquals(0, validated.exitCode(), validated.toString());
        assertTrue(validated.err().contains("held at blue's binlog position"), validated.err());
        // The comparison holds a difference when green lost a row: delete one on green only, validate fails.
        exec(green, "SET SESSION sql_log_bin = 0", "DELETE FROM customers WHERE id = 300");
        CliRun.Result diff = cli().run("validate", "--env", "production");
        assertEquals(1, diff.exitCode(), diff.toString());
        assertTrue(diff.out().contains("customers"), diff.out());
        exec(green, "INSERT INTO customers SELECT * FROM (SELECT 300, 'u300@example.com', NULL, DATE'2025-01-01') x");

        CliRun.Result switched = cli().run("bluegreen", "switchover", "--env", "production", "--output", "json");
        assertEquals(0, switched.exitCode(), switched.toString());
        assertTrue(switched.out().contains("\"outcome\" : \"switched-over\""), switched.out());
        assertTrue(readOnly(pair.blue.root(null)), "blue stays read-only as the rollback point");
        assertFalse(readOnly(pair.green.root(null)), "green is writable");
        assertTrue(column(pair.green.root(null), "SHOW SLAVE STATUS").isEmpty(), "green no longer replicates");
        String greenAt = "127.0.0.1:" + pair.green.port();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (writer.stats().writtenTo().getOrDefault(greenAt, 0L) < 20 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the application moves to green
        }
        writer.close();
        SteadyWriter.Stats w = writer.stats();
        String blueAt = "127.0.0.1:" + pair.blue.port();
        assertEquals(w.writtenTo().get(blueAt), Long.valueOf(count(green, writerRows(w.lastSeqOn().get(blueAt)))),
                "every write blue took during the promotion is on green");
        assertEquals(w.writtenTo().get(blueAt), Long.valueOf(count(blue, writerRows(Long.MAX_VALUE))), "and blue took no other");
        assertTrue(w.writtenTo().get(greenAt) >= 20, w.toString());
        assertEquals(w.written(), count(green, "orders WHERE customer LIKE 'w%'"), "every accepted write is on green, once");
        assertEquals(0, w.uncertain());
        assertTrue(w.refused() > 0 && w.pauses() == 1, w.toString());
        assertTrue(before < count(green, "orders"));
        SQLException refused = assertThrows(SQLException.class, () -> {
            try (Connection c = Jdbc.open(appOnBlue); Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders (customer) VALUES ('late')");
            }
        });
        assertEquals(1290, refused.getErrorCode(), "blue refuses the application's writes (read-only)");
        // Every later step (deploy's DB Secret, migrate info) goes to green now.
        String record = Files.readString(dir.resolve(".dbpromote/env/production.json"));
        assertTrue(record.contains("\"port\" : " + pair.green.port()) && record.contains("switched-over"), record);
        CliRun.Result info = cli().run("migrate", "info", "--env", "production");
        assertTrue(info.out().contains(":" + pair.green.port() + "/"), info.out());

        assertEquals(0, cli().run("bluegreen", "switchover", "--env", "production").exitCode(), "a re-run is a no-op");
        CliRun.Result list = cli().run("env", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("production") && l.contains("switched-over") && !l.contains("gone")),
                list.out());
        CliRun.Result del = cli().run("bluegreen", "delete", "--env", "production");
        assertEquals(2, del.exitCode(), "green is production now: never deleted");
        assertEquals(1, column(pair.green.root(null), "SHOW DATABASES LIKE '" + db + "'").size());
        CliRun.Result recreate = cli().run("bluegreen", "create", "--env", "production");
        assertEquals(2, recreate.exitCode());
        assertTrue(recreate.err().contains("swap"), recreate.err());
        exec(pair.blue.root(null), "SET GLOBAL read_only = OFF");
    }

    @Test
    void deleteBeforeSwitchoverDropsGreenAndNeverTouchesBlue() throws Exception {
        String db = repo("");
        assertEquals(0, cli().run("bluegreen", "create", "--env", "production").exitCode());
        String blueBefore = column(pair.blue.root(db), "CHECKSUM TABLE orders, customers").toString()
                + column(pair.blue.root(db), "SELECT COUNT(*) FROM orders");
        EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
        String phase = SelfManagedBlueGreen.phase(store, "production");
        boolean greenReadOnly = readOnly(pair.green.root(null));
        CliRun.Result plannedSwitch = cli().run("bluegreen", "switchover", "--env", "production", "--dry-run");
        assertEquals(0, plannedSwitch.exitCode(), plannedSwitch.toString());
        assertFalse(readOnly(pair.blue.root(null)), "a dry-run switchover leaves blue writable");
        assertEquals(greenReadOnly, readOnly(pair.green.root(null)), "and green as it was");
        assertFalse(column(pair.green.root(null), "SHOW SLAVE STATUS").isEmpty(), "and green still replicating");
        assertEquals(phase, SelfManagedBlueGreen.phase(store, "production"), "and the record's phase unchanged");
        assertEquals(0, cli().run("bluegreen", "delete", "--env", "production", "--dry-run").exitCode());
        assertEquals(1, column(pair.green.root(null), "SHOW DATABASES LIKE '" + db + "'").size(), "dry run deletes nothing");
        CliRun.Result del = cli().run("bluegreen", "delete", "--env", "production");
        assertEquals(0, del.exitCode(), del.toString());
        assertTrue(column(pair.green.root(null), "SHOW DATABASES LIKE '" + db + "'").isEmpty());
        assertTrue(column(pair.green.root(null), "SHOW SLAVE STATUS").isEmpty(), "green forgot blue");
        assertEquals(blueBefore, column(pair.blue.root(db), "CHECKSUM TABLE orders, customers").toString()
                + column(pair.blue.root(db), "SELECT COUNT(*) FROM orders"));
        assertFalse(readOnly(pair.blue.root(null)));
        assertEquals(0, cli().run("bluegreen", "delete", "--env", "production").exitCode(), "nothing left to delete");
        assertEquals(2, cli().run("validate", "--env", "production").exitCode(), "no green: run create first");
    }

    @Test
    void replicationBreakingChangeIsALintErrorOnGreenNamingExpandContract() throws Exception {
        repo("", "ALTER TABLE customers DROP COLUMN legacy;\n");
        assertEquals(0, cli().run("bluegreen", "create", "--env", "production").exitCode());
        CliRun.Result lint = cli().run("lint", "--env", "production");
        assertEquals(1, lint.exitCode(), lint.toString());
        assertTrue(lint.out().contains("expand/contract"), lint.out());
        CliRun.Result r = cli().run("migrate", "--env", "production");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.out().contains("bluegreen-incompatible") && r.out().contains("expand/contract"), r.out());
        // Allowed with a reason, it runs.
        Files.writeString(dir.resolve("db/migrations/V2__change.sql"), "-- dbpromote:allow drop-column unused since 2025 (ORD-1)\n"
                + "-- dbpromote:allow bluegreen-incompatible customers gets no writes during the promotion\n"
                + "ALTER TABLE customers DROP COLUMN legacy;\n");
        CliRun.Result allowed = cli().run("migrate", "--env", "production");
        assertEquals(0, allowed.exitCode(), allowed.toString());
        assertEquals(0, cli().run("bluegreen", "delete", "--env", "production").exitCode());
    }

    @Test
    void guardrailsRefuseWithoutChangingAnythingAndATimeoutRollsBack() throws Exception {
        String db = repo("maxReplicaLag: 1s\nmaxTransactionAge: 1s\nswitchoverTimeout: 2s");
        assertEquals(0, cli().run("bluegreen", "create", "--env", "production").exitCode());
        // A long transaction on blue: setting read_only would wait for it.
        try (Connection c = Jdbc.open(pair.blue.root(db)); Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
            s.execute("UPDATE orders SET total = total WHERE id = 1");
            Thread.sleep(2500);
            CliRun.Result r = cli().run("bluegreen", "switchover", "--env", "production");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("maxTransactionAge"), r.err());
            assertFalse(readOnly(pair.blue.root(null)), "refused: blue untouched");
            s.execute("ROLLBACK");
        }
        // Green lagging: a delayed replica (MASTER_DELAY) with a fresh write on blue.
        exec(pair.green.root(null), "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 30", "START SLAVE");
        exec(pair.blue.root(db), "INSERT INTO orders (customer) VALUES ('lagging')");
        Thread.sleep(2500);
        CliRun.Result lag = cli().run("bluegreen", "switchover", "--env", "production");
        assertEquals(1, lag.exitCode(), lag.toString());
        assertTrue(lag.err().contains("maxReplicaLag"), lag.err());
        assertFalse(readOnly(pair.blue.root(null)));

        // With the lag allowed, the 2 s timeout expires: rolled back, blue writable, green still replicating.
        Files.writeString(dir.resolve("dbpromote.yaml"), Files.readString(dir.resolve("dbpromote.yaml")).replace("maxReplicaLag: 1s", "maxReplicaLag: 60s"));
        CliRun.Result timeout = cli().run("bluegreen", "switchover", "--env", "production");
        assertEquals(3, timeout.exitCode(), timeout.toString());
        assertTrue(timeout.err().contains("timed out") && timeout.err().contains("blue is writable again"), timeout.err());
        assertFalse(readOnly(pair.blue.root(null)), "blue writable again after the timeout");
        assertFalse(column(pair.green.root(null), "SHOW SLAVE STATUS").isEmpty(), "green still replicates");
        exec(pair.green.root(null), "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE");
        assertEquals(0, cli().run("bluegreen", "delete", "--env", "production").exitCode());
    }

    @Test
    void createRefusesAGreenThatIsNotFreeAndEverySubcommandAnswersHelp() throws Exception {
        String db = repo("");
        exec(pair.green.root(null), "CREATE DATABASE " + db);
        CliRun.Result r = cli().run("bluegreen", "create", "--env", "production");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("dbpromote did not create") && r.err().contains("nothing was changed"), r.err());
        assertTrue(column(pair.green.root(null), "SHOW SLAVE STATUS").isEmpty());
        exec(pair.green.root(null), "DROP DATABASE " + db);
        assertFalse(Files.exists(dir.resolve(".dbpromote/env/production.json")));
        for (String sub : List.of("create", "switchover", "delete", "status")) {
            for (String h : List.of("--help", "-h")) {
                assertEquals(0, cli().run("bluegreen", sub, h).exitCode(), sub + " " + h);
            }
        }
    }
}
