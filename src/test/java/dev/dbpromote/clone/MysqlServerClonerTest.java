package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;

public class MysqlServerClonerTest {

    @TempDir
    Path state;

    public static void seed(TestDatabase db) {
        db.execute(
                "CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120), name VARCHAR(40),"
                        + " secret VARCHAR(20), name_len INT AS (CHAR_LENGTH(name)) VIRTUAL, KEY ix_name (name))",
                "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2),"
                        + " CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id))",
                "CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40))",
                "INSERT INTO customers (email, name, secret) VALUES ('a@x.com', 'Alice', 's1'), ('b@x.com', 'Bob', 's2'), (NULL, 'Carl', 's3')",
                "INSERT INTO orders (customer_id, total) VALUES (1, 10.5), (1, 20), (2, 7)",
                "DELETE FROM orders WHERE id = 3", // auto-increment stays at 4
                "CREATE VIEW big_orders AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 10",
                "CREATE VIEW big_order_names AS SELECT name FROM big_orders",
                "CREATE FUNCTION order_count(c INT) RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM orders WHERE customer_id = c)",
                "CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (what) VALUES (CONCAT('order ', NEW.id))");
    }

    /** Clones outlive a test's own database (they are schemas of their own): drop ours so no test sees them. */
    @org.junit.jupiter.api.AfterEach
    void dropClones(DatabaseServer server) {
        try (DatabaseCloner cloner = new MysqlServerCloner(server.root("mysql"), server.root(null), 1)) {
            cloner.list().stream().filter(c -> c.managed() && (c.name().startsWith("shop_") || c.name().startsWith("demo_")))
                    .forEach(c -> cloner.delete(c, Progress.silent()));
        }
    }

    private CloneDatabase cloneOp(DatabaseCloner cloner) {
        return new CloneDatabase(cloner, new EnvironmentStore(state), Progress.silent(), Clock.systemUTC());
    }

    private static CloneRequest request(String pr, boolean fresh, Map<String, String> mask) {
        return new CloneRequest("shop", "dev", pr, Duration.ofHours(72), "https://ci/job/1/", fresh, false, mask);
    }

    @EachServer
    void copiesTablesRowsViewsRoutinesTriggersForeignKeysAndAutoIncrement(TestDatabase db) throws Exception {
        seed(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 3)) {
            CloneResult r = cloneOp(cloner).run(request("42", false, Map.of("customers.email", "email", "customers.secret", "null",
                    "customers.name", "fixed:someone")));
            assertEquals("created", r.action());
            assertEquals("shop_dev_pr_42", r.database());
            EnvironmentStore store = new EnvironmentStore(state);
            EnvironmentRecord record = store.find("dev-pr-42").orElseThrow();
            assertEquals("mysql", record.provider());
            assertEquals("dbpromote", record.tags().get(ManagedTags.MANAGED_BY));
            assertEquals("https://ci/job/1/", record.tags().get(ManagedTags.CREATED_BY));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.credentialFile("dev-pr-42"))));
            String password = store.readCredential(record.credentialRef()).reveal();
            assertFalse(Files.readString(store.recordFile("dev-pr-42")).contains(password), "record never holds the password");

            // The clone's own user, with the fresh password, sees a usable copy and can do DDL (what migrate needs).
            try (Connection c = Jdbc.open(new dev.dbpromote.db.ConnectionSpec(r.host(), r.port(), r.database(), r.user(),
                    store.readCredential(r.credentialRef()))); Statement s = c.createStatement()) {
                assertEquals(List.of("3"), col(s, "SELECT COUNT(*) FROM customers"));
                assertEquals(List.of("2"), col(s, "SELECT COUNT(*) FROM orders"));
                assertEquals(List.of("2"), col(s, "SELECT COUNT(*) FROM big_order_names"));
                assertEquals(List.of("2"), col(s, "SELECT order_count(1)"));
                assertEquals(List.of("someone"), col(s, "SELECT DISTINCT name FROM customers"));
                assertEquals(List.of("0"), col(s, "SELECT COUNT(*) FROM customers WHERE secret IS NOT NULL OR email LIKE '%x.com'"));
                assertEquals(List.of("1"), col(s, "SELECT COUNT(*) FROM customers WHERE email IS NULL"), "NULL stays NULL");
                assertEquals(List.of("7"), col(s, "SELECT DISTINCT name_len FROM customers"), "generated column recomputed");
                s.execute("INSERT INTO orders (customer_id, total) VALUES (2, 1)");
                assertEquals(List.of("4"), col(s, "SELECT MAX(id) FROM orders"), "auto-increment counter carried over");
                assertEquals(List.of("order 4"), col(s, "SELECT what FROM audit"), "trigger copied");
                assertThrows(java.sql.SQLException.class, () -> s.execute("INSERT INTO orders (customer_id, total) VALUES (99, 1)"),
                        "foreign key copied");
                s.execute("ALTER TABLE orders ADD COLUMN note VARCHAR(20)");
                s.execute("CREATE TABLE flyway_like (v INT)");
            }
            assertEquals(List.of("3"), db.column("SELECT COUNT(*) FROM customers WHERE email LIKE '%x.com' OR email IS NULL"),
                    "source untouched by masking");
        }
    }

    /** A read-only account on the source schema only, like a production reader (host-specific: see ValidateCommandTest). */
    private static dev.dbpromote.db.ConnectionSpec readOnlyUser(TestDatabase db) {
        String user = "ro" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
            db.execute("CREATE USER '" + user + "'@'" + host + "' IDENTIFIED BY 'Ro-pass-123'",
                    "GRANT SELECT, SHOW VIEW, TRIGGER ON `" + db.name() + "`.* TO '" + user + "'@'" + host + "'");
        }
        return new dev.dbpromote.db.ConnectionSpec(db.host(), db.port(), db.name(), user,
                dev.dbpromote.core.Secret.of("Ro-pass-123", "test"));
    }

    @EachServer
    void sameServerCopyIsMadeByTheCloneUserAndTheSourceUserOnlyReads(TestDatabase db) {
        seed(db);
        dev.dbpromote.db.ConnectionSpec reader = readOnlyUser(db);
        // Before: the copy ran as the source user, whose CREATE DATABASE was refused.
        try (DatabaseCloner cloner = new MysqlServerCloner(reader, db.root(), 2)) {
            CloneResult r = cloneOp(cloner).run(request("11", false, Map.of()));
            assertEquals("created", r.action());
            assertEquals(List.of("3"), db.column("SELECT COUNT(*) FROM shop_dev_pr_11.customers"));
        }
    }

    @EachServer
    void aRefusedDatabaseIsTheOneNamed(TestDatabase db) {
        seed(db);
        dev.dbpromote.db.ConnectionSpec reader = readOnlyUser(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(reader, reader, 2)) {
            DbPromoteException e = assertThrows(DbPromoteException.class, () -> cloneOp(cloner).run(request("12", false, Map.of())));
            assertTrue(e.getMessage().startsWith("User '" + reader.user() + "' may not use database '"), e.getMessage());
            assertFalse(e.getMessage().contains("database '" + db.name() + "'") || e.getMessage().contains("'null'"),
                    "names the refused database, not the connection's: " + e.getMessage());
        }
    }

    @EachServer
    void reRunReusesFreshReplacesAndDestroyDropsSchemaAndUser(TestDatabase db) {
        seed(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            CloneResult first = cloneOp(cloner).run(request("7", false, Map.of()));
            db.execute("INSERT INTO customers (email, name) VALUES ('new@x.com', 'Dan')");
            CloneResult again = cloneOp(cloner).run(request("7", false, Map.of()));
            assertEquals("reused", again.action());
            assertEquals(first.id(), again.id());
            assertEquals(List.of("3"), db.column("SELECT COUNT(*) FROM shop_dev_pr_7.customers"), "reuse keeps the clone");
            CloneResult fresh = cloneOp(cloner).run(request("7", true, Map.of()));
            assertEquals("replaced", fresh.action());
            assertEquals(List.of("4"), db.column("SELECT COUNT(*) FROM shop_dev_pr_7.customers"), "--fresh copies again");

            ClonedDatabase c = cloner.find("shop_dev_pr_7").orElseThrow();
            assertTrue(c.managed() && c.ready());
            cloner.delete(c, Progress.silent());
            assertTrue(cloner.find("shop_dev_pr_7").isEmpty());
            assertEquals(List.of("0"), db.column("SELECT COUNT(*) FROM mysql.user WHERE user = 'shop_dev_pr_7'"));
        }
    }

    @EachServer
    void concurrentRunsForOnePrMakeOneClone(TestDatabase db) throws Exception {
        seed(db);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<CloneResult>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Callable<CloneResult> run = () -> {
                    try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
                        return cloneOp(cloner).run(request("9", false, Map.of()));
                    }
                };
                runs.add(pool.submit(run));
            }
            List<String> actions = new ArrayList<>();
            for (Future<CloneResult> f : runs) {
                actions.add(f.get().action());
            }
            assertEquals(1, actions.stream().filter("created"::equals).count(), actions.toString());
            assertEquals(2, actions.stream().filter("reused"::equals).count(), actions.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @EachServer
    void failedMaskingDeletesTheCloneAndWritesNoRecord(TestDatabase db) {
        seed(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            DbPromoteException e = assertThrows(DbPromoteException.class,
                    () -> cloneOp(cloner).run(request("5", false, Map.of("customers.no_such_column", "hash"))));
            assertTrue(e.getMessage().contains("customers.no_such_column"), e.getMessage());
            assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
            assertTrue(cloner.find("shop_dev_pr_5").isEmpty(), "unmasked clone deleted");
            assertTrue(new EnvironmentStore(state).find("dev-pr-5").isEmpty(), "not handed out");
            assertFalse(Files.exists(new EnvironmentStore(state).credentialFile("dev-pr-5")));
        }
    }

    @EachServer
    void neverTouchesAnUnmanagedSchemaOfTheSameName(TestDatabase db) {
        seed(db);
        db.execute("CREATE DATABASE IF NOT EXISTS shop_dev_pr_11");
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            DbPromoteException e = assertThrows(DbPromoteException.class, () -> cloneOp(cloner).run(request("11", true, Map.of())));
            assertTrue(e.getMessage().contains("not managed by dbpromote"), e.getMessage());
            ClonedDatabase unmanaged = cloner.find("shop_dev_pr_11").orElseThrow();
            assertThrows(DbPromoteException.class, () -> cloner.delete(unmanaged, Progress.silent()));
            assertTrue(cloner.find("shop_dev_pr_11").isPresent());
        } finally {
            db.execute("DROP DATABASE shop_dev_pr_11");
        }
    }

    @EachServer
    void copiesOntoAnotherServerByStreaming(TestDatabase db) {
        seed(db);
        // Same server, but reached under another host name: exercises the streamed path.
        var other = new dev.dbpromote.db.ConnectionSpec("localhost", db.port(), null, "root", db.root().password());
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), other, 2)) {
            CloneResult r = cloneOp(cloner).run(request("13", false, Map.of("customers.email", "hash")));
            assertEquals(List.of("3"), db.column("SELECT COUNT(*) FROM shop_dev_pr_13.customers"));
            assertEquals(List.of("2"), db.column("SELECT COUNT(*) FROM shop_dev_pr_13.orders"));
            assertEquals(List.of("2"), db.column("SELECT COUNT(*) FROM shop_dev_pr_13.big_orders"));
            assertEquals(List.of("0"), db.column("SELECT COUNT(*) FROM shop_dev_pr_13.customers WHERE email LIKE '%@%'"));
            cloner.delete(cloner.find(r.database()).orElseThrow(), Progress.silent());
        }
    }

    @EachServer
    void demoEntryPointClonesIntoAPerPrSchemaAndWritesTheRecord(TestDatabase db) throws Exception {
        seed(db);
        CloneResult r = SchemaClones.cloneOnServer(db.root(), "demo", "dev", "1", Duration.ofHours(1),
                Map.of("customers.secret", "sql:CONCAT('s-', id)"), state, Progress.silent());
        assertEquals("demo_dev_pr_1", r.database());
        EnvironmentStore store = new EnvironmentStore(state);
        assertEquals(r.credentialRef(), store.find("dev-pr-1").orElseThrow().credentialRef());
        try (Connection c = Jdbc.open(new dev.dbpromote.db.ConnectionSpec(r.host(), r.port(), r.database(), r.user(),
                store.readCredential(r.credentialRef()))); Statement s = c.createStatement()) {
            assertEquals(List.of("s-1", "s-2", "s-3"), col(s, "SELECT secret FROM customers ORDER BY id"));
        }
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 1)) {
            cloner.delete(cloner.find("demo_dev_pr_1").orElseThrow(), Progress.silent());
        }
    }

    private static List<String> col(Statement s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
