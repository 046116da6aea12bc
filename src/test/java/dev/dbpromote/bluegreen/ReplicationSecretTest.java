package dev.dbpromote.bluegreen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Pointing green at blue puts blue's password into a CHANGE MASTER statement. A server that refuses the statement
 * may quote it back: MariaDB and MySQL answer a password longer than MASTER_PASSWORD allows (32 characters, while
 * RDS passwords may have 41) with "String '&lt;the password&gt;' is too long". That text must not reach a log.
 */
@MariaDb
class ReplicationSecretTest {

    @Test
    void aRefusedChangeMasterNeverQuotesBluesPassword(TestDatabase db) throws SQLException {
        String password = "blue-secret-" + "x".repeat(120);
        ConnectionSpec blue = new ConnectionSpec("127.0.0.1", 1, "orders", "repl", Secret.of(password, "test"));
        try (Connection c = db.connect()) {
            Replication green = Replication.on(c);
            try {
                SQLException e = assertThrows(SQLException.class,
                        () -> green.startReplicaOf(blue, "orders", new BinlogPosition("blue-bin.000001", 4, null)));
                assertFalse(String.valueOf(e.getMessage()).contains("blue-secret"), e.getMessage());
                for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                    assertFalse(String.valueOf(t.getMessage()).contains("blue-secret"), "cause: " + t.getMessage());
                }
                assertTrue(e.getMessage().contains("longer than this server accepts for MASTER_PASSWORD"), e.getMessage());
            } finally {
                green.forgetSource();
            }
        }
    }
}
