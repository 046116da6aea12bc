package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Safety review findings on MySQL-server clones: triggers vs masking, accounts and schemas we did not create. */
class CloneSafetyTest {

    @TempDir
    Path state;

    @AfterEach
    void dropClones(DatabaseServer server) {
        try (DatabaseCloner cloner = new MysqlServerCloner(server.root("mysql"), server.root(null), 1)) {
            cloner.list().stream().filter(c -> c.managed() && c.name().startsWith("safe_"))
                    .forEach(c -> cloner.delete(c, Progress.silent()));
        }
    }

    private CloneResult clone(DatabaseCloner cloner, String pr, Map<String, String> mask) {
        return new CloneDatabase(cloner, new EnvironmentStore(state), Progress.silent(), Clock.systemUTC())
                .run(new CloneRequest("safe", "dev", pr, Duration.ofHours(1), null, false, false, mask));
    }

    private static void seedAudit(TestDatabase db) {
        MysqlServerClonerTest.seed(db);
        db.execute("CREATE TABLE email_audit (id INT AUTO_INCREMENT PRIMARY KEY, old_email VARCHAR(120))",
                "CREATE TRIGGER customers_email_audit BEFORE UPDATE ON customers FOR EACH ROW"
                        + " INSERT INTO email_audit (old_email) VALUES (OLD.email)");
    }

    private static void assertAuditHoldsNoUnmaskedValue(TestDatabase db, String schema) {
        assertEquals(List.of("0"), db.column("SELECT COUNT(*) FROM " + schema + ".email_audit WHERE old_email LIKE '%x.com'"),
                "masking fired the copied audit trigger: unmasked emails kept in the clone");
        db.execute("UPDATE " + schema + ".customers SET name = 'Zed' WHERE id = 1");
        assertEquals(List.of("1"), db.column("SELECT COUNT(*) FROM " + schema + ".email_audit"), "trigger still copied");
    }

    @EachServer
    void auditTriggerDoesNotKeepUnmaskedValuesOnTheSameServer(TestDatabase db) {
        seedAudit(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            CloneResult r = clone(cloner, "1", Map.of("customers.email", "email"));
            assertAuditHoldsNoUnmaskedValue(db, r.database());
        }
    }

    @EachServer
    void auditTriggerDoesNotKeepUnmaskedValuesWhenStreamedToAnotherServer(TestDatabase db) {
        seedAudit(db);
        var other = new ConnectionSpec("localhost", db.port(), null, "root", db.root().password());
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), other, 2)) {
            CloneResult r = clone(cloner, "2", Map.of("customers.email", "hash"));
            assertAuditHoldsNoUnmaskedValue(db, r.database());
        }
    }

    @EachServer
    void refusesAPreExistingMysqlAccountItDidNotCreateAndNeverDropsIt(TestDatabase db) throws Exception {
        MysqlServerClonerTest.seed(db);
        db.execute("CREATE USER IF NOT EXISTS 'safe_dev_pr_3'@'%' IDENTIFIED BY 'team-password'");
        String grantsQuery = "SHOW GRANTS FOR 'safe_dev_pr_3'@'%'";
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            List<String> before = db.column("SELECT authentication_string FROM mysql.user WHERE user = 'safe_dev_pr_3'");
            List<String> grantsBefore = db.column(grantsQuery);
            DbPromoteException e = assertThrows(DbPromoteException.class, () -> clone(cloner, "3", Map.of()));
            assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("'safe_dev_pr_3'") && e.getMessage().contains("not created by dbpromote")
                    && e.getMessage().contains("Drop or rename"), e.getMessage());
            assertEquals(before, db.column("SELECT authentication_string FROM mysql.user WHERE user = 'safe_dev_pr_3'"),
                    "password of the pre-existing account unchanged");
            assertEquals(grantsBefore, db.column(grantsQuery), "no grants added");
            assertTrue(cloner.find("safe_dev_pr_3").isEmpty(), "nothing created");
            // A destroy/reap sweep over everything managed never drops it either.
            cloner.list().stream().filter(ClonedDatabase::managed).filter(c -> c.name().startsWith("safe_"))
                    .forEach(c -> cloner.delete(c, Progress.silent()));
            assertEquals(List.of("1"), db.column("SELECT COUNT(*) FROM mysql.user WHERE user = 'safe_dev_pr_3'"));
        } finally {
            db.execute("DROP USER IF EXISTS 'safe_dev_pr_3'@'%'");
        }
    }

    @EachServer
    void dropsOnlyTheAccountItCreatedAndReusesIt(TestDatabase db) {
        MysqlServerClonerTest.seed(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            clone(cloner, "4", Map.of());
            assertEquals("reused", clone(cloner, "4", Map.of()).action(), "our own account is not mistaken for someone else's");
            cloner.delete(cloner.find("safe_dev_pr_4").orElseThrow(), Progress.silent());
            assertEquals(List.of("0"), db.column("SELECT COUNT(*) FROM mysql.user WHERE user = 'safe_dev_pr_4'"));
        }
    }

    @EachServer
    void cliRefusesAPreExistingAccountWithExitTwo(TestDatabase db, @TempDir Path dir) throws Exception {
        MysqlServerClonerTest.seed(db);
        java.nio.file.Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: safe
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                environments:
                  dev:
                    database: {strategy: clone, ttl: 72h}
                """.formatted(db.port(), db.name()));
        db.execute("CREATE USER IF NOT EXISTS 'safe_dev'@'%' IDENTIFIED BY 'team-password'");
        try {
            List<String> before = db.column("SELECT authentication_string FROM mysql.user WHERE user = 'safe_dev'");
            dev.dbpromote.testing.CliRun.Result r = dev.dbpromote.testing.CliRun.in(dir).run("clone", "--env", "dev");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("'safe_dev'"), r.toString());
            assertEquals(before, db.column("SELECT authentication_string FROM mysql.user WHERE user = 'safe_dev'"));
            dev.dbpromote.testing.CliRun.in(dir).run("env", "destroy", "--env", "dev");
            assertEquals(List.of("1"), db.column("SELECT COUNT(*) FROM mysql.user WHERE user = 'safe_dev'"));
        } finally {
            db.execute("DROP USER IF EXISTS 'safe_dev'@'%'");
        }
    }
}
