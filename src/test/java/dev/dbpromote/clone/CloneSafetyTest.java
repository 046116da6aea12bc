package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safety review findings on MySQL-server clones: triggers vs masking, accounts and schemas we did not create. */
@MariaDb
class CloneSafetyTest {

    @TempDir
    Path state;

    @AfterEach
    void dropClones(EmbeddedMariaDb server) {
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

    @Test
    void auditTriggerDoesNotKeepUnmaskedValuesOnTheSameServer(TestDatabase db) {
        seedAudit(db);
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), db.root(), 2)) {
            CloneResult r = clone(cloner, "1", Map.of("customers.email", "email"));
            assertAuditHoldsNoUnmaskedValue(db, r.database());
        }
    }

    @Test
    void auditTriggerDoesNotKeepUnmaskedValuesWhenStreamedToAnotherServer(TestDatabase db) {
        seedAudit(db);
        var other = new ConnectionSpec("localhost", db.port(), null, "root", db.root().password());
        try (DatabaseCloner cloner = new MysqlServerCloner(db.root(), other, 2)) {
            CloneResult r = clone(cloner, "2", Map.of("customers.email", "hash"));
            assertAuditHoldsNoUnmaskedValue(db, r.database());
        }
    }
}
