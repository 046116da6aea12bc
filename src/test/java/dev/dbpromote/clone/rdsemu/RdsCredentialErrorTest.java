package dev.dbpromote.clone.rdsemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.clone.MysqlServerClonerTest;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AWS may quote the new master password in a ModifyDBInstance/ModifyDBCluster error: it must never reach the output. */
@MariaDb
class RdsCredentialErrorTest {

    @TempDir
    Path dir;

    private CliRun cli() {
        return CliRun.in(dir).env("AWS_ACCESS_KEY_ID", "AKIDTEST").env("AWS_SECRET_ACCESS_KEY", "secret")
                .env("DBPROMOTE_POLL_INITIAL", "50").env("DBPROMOTE_AWS_MAX_ATTEMPTS", "4");
    }

    private void config(RdsEmulator emu, String source) throws Exception {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source:
                  %s
                  database: orders
                environments:
                  dev:
                    database: {strategy: clone, ttl: 72h}
                """.formatted(source.replace("EMU", emu.endpoint().toString())));
    }

    private static void assertScrubbed(CliRun.Result r, String password) {
        assertEquals(3, r.exitCode(), r.toString());
        assertFalse(r.out().contains(password), "password in stdout: " + r);
        assertFalse(r.err().contains(password), "password in stderr: " + r);
        assertTrue(r.err().contains("MasterUserPassword '" + Secret.MASK + "'"), r.toString());
    }

    @Test
    void rdsModifyErrorEchoingThePasswordIsScrubbedEvenWithStacktrace(EmbeddedMariaDb server, TestDatabase source) throws Exception {
        MysqlServerClonerTest.seed(source);
        try (RdsEmulator emu = new RdsEmulator(server).rejectPasswords(true)) {
            emu.addSourceInstance("orders-prod", source.name(), "admin");
            emu.addSnapshot("orders-prod-a", "orders-prod", java.time.Instant.now().minusSeconds(60), "manual", "available");
            config(emu, "rds: {instance: orders-prod, region: us-west-2, endpoint: 'EMU'}");
            CliRun.Result r = cli().run("clone", "--env", "dev", "--pr", "5", "--stacktrace");
            String password = emu.calls("ModifyDBInstance").get(0).params().get("MasterUserPassword");
            assertNotNull(password);
            assertScrubbed(r, password);
        }
    }

    @Test
    void auroraModifyErrorEchoingThePasswordIsScrubbedEvenWithStacktrace(EmbeddedMariaDb server, TestDatabase source)
            throws Exception {
        MysqlServerClonerTest.seed(source);
        try (RdsEmulator emu = new RdsEmulator(server).rejectPasswords(true)) {
            emu.addSourceCluster("orders-aurora", source.name(), "admin");
            config(emu, "aurora: {cluster: orders-aurora, region: us-west-2, endpoint: 'EMU'}");
            CliRun.Result r = cli().run("clone", "--env", "dev", "--pr", "6", "--stacktrace");
            String password = emu.calls("ModifyDBCluster").get(0).params().get("MasterUserPassword");
            assertNotNull(password);
            assertScrubbed(r, password);
        }
    }
}
