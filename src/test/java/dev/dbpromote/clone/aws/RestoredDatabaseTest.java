package dev.dbpromote.clone.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import org.junit.jupiter.api.Test;

@MariaDb
class RestoredDatabaseTest {

    @Test
    void prefersTheSourceDatabaseWhenTheRestoreCarriesIt(TestDatabase data, TestDatabase initial) {
        // Real RDS: the restored instance has every schema of the source; DBName is just the initial one.
        assertEquals(data.name(), RestoredDatabase.choose(data.root().withDatabase(null), data.name(), initial.name()));
    }

    @Test
    void fallsBackToWhatRdsReportsWhenTheSourceDatabaseIsNotThere(TestDatabase own) {
        String user = "r" + own.name();
        own.execute("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY 'pw-123456'",
                "CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'pw-123456'",
                "GRANT ALL ON `" + own.name() + "`.* TO '" + user + "'@'127.0.0.1'",
                "GRANT ALL ON `" + own.name() + "`.* TO '" + user + "'@'localhost'");
        ConnectionSpec master = new ConnectionSpec(own.host(), own.port(), null, user, Secret.of("pw-123456", "test"));
        assertEquals(own.name(), RestoredDatabase.choose(master, "orders_not_visible", own.name()));
        ConnectionSpec unreachable = new ConnectionSpec("127.0.0.1", 1, null, user, Secret.of("x", "test"));
        assertEquals("reported", RestoredDatabase.choose(unreachable, "orders", "reported"), "unreachable: keep what RDS reports");
    }
}
