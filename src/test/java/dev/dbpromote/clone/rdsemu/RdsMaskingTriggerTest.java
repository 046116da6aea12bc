package dev.dbpromote.clone.rdsemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbpromote.clone.MysqlServerClonerTest;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restored RDS clone has production's triggers: masking must not fire an audit trigger that keeps OLD values. */
@MariaDb
class RdsMaskingTriggerTest {

    @TempDir
    Path dir;

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void maskingARestoredCloneDoesNotFireItsAuditTriggerButKeepsIt(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        MysqlServerClonerTest.seed(source);
        source.execute("CREATE TABLE email_audit (id INT AUTO_INCREMENT PRIMARY KEY, old_email VARCHAR(120))",
                "CREATE TRIGGER customers_email_audit BEFORE UPDATE ON customers FOR EACH ROW"
                        + " INSERT INTO email_audit (old_email) VALUES (OLD.email)");
        try (RdsEmulator emu = new RdsEmulator(server)) {
            emu.addSourceInstance("orders-prod", source.name(), "admin");
            emu.addSnapshot("orders-prod-a", "orders-prod", Instant.now().minusSeconds(60), "manual", "available");
            Files.writeString(dir.resolve("dbpromote.yaml"), """
                    app: orders
                    source:
                      rds: {instance: orders-prod, region: us-west-2, endpoint: '%s'}
                      database: orders
                    environments:
                      dev:
                        database:
                          strategy: clone
                          ttl: 72h
                          mask:
                            customers.email: email
                    """.formatted(emu.endpoint()));
            CliRun.Result r = CliRun.in(dir).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                    .env("DBPROMOTE_POLL_INITIAL", "50").env("DBPROMOTE_AWS_MAX_ATTEMPTS", "4").run("clone", "--env", "dev", "--pr", "4");
            assertEquals(0, r.exitCode(), r.toString());
            EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
            EnvironmentRecord record = store.find("dev-pr-4").orElseThrow();
            try (Connection c = Jdbc.open(new ConnectionSpec(record.host(), record.port(), record.database(), record.user(),
                    store.readCredential(record.credentialRef()))); Statement s = c.createStatement()) {
                assertEquals(0, count(s, "SELECT COUNT(*) FROM email_audit"), "masking fired the audit trigger");
                assertEquals(0, count(s, "SELECT COUNT(*) FROM customers WHERE email LIKE '%x.com'"), "masked");
                s.execute("UPDATE customers SET name = 'Zed' WHERE id = 1");
                assertEquals(1, count(s, "SELECT COUNT(*) FROM email_audit"), "trigger recreated after masking");
            }
        }
    }
}
