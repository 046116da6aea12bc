package dev.dbpromote.bluegreen;

import static dev.dbpromote.bluegreen.ReplicaPair.await;
import static dev.dbpromote.bluegreen.ReplicaPair.column;
import static dev.dbpromote.bluegreen.ReplicaPair.count;
import static dev.dbpromote.bluegreen.ReplicaPair.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.MySql8Server;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-managed blue/green between two real MySQL 8.0 servers (binary log on, row-based): MySQL's own snapshot
 * (a global read lock for the instant of {@code SHOW MASTER STATUS}), replication, the held comparison and the
 * switchover. Skipped, with the reason, where the MySQL 8 test server cannot run.
 */
class MySql8BlueGreenTest {

    @TempDir
    Path dir;

    @Test
    void createReplicateCompareAndSwitchOver() throws Exception {
        MySql8Server blue;
        try {
            blue = MySql8Server.start("--log-bin=blue-bin", "--server-id=1", "--binlog-format=ROW");
        } catch (MySql8Server.Unavailable e) {
            Assumptions.abort("MySQL 8 cannot run here: " + e.getMessage());
            return;
        }
        try (blue; MySql8Server green = MySql8Server.start("--log-bin=green-bin", "--server-id=2", "--binlog-format=ROW")) {
            for (ConnectionSpec s : new ConnectionSpec[] {blue.root(null), green.root(null)}) {
                exec(s, "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT SELECT, INSERT ON shop.* TO 'app'@'%'");
            }
            exec(blue.root(null), "CREATE USER 'admin'@'%' IDENTIFIED BY 'admin-pw'", "GRANT ALL PRIVILEGES ON *.* TO 'admin'@'%'",
                    "CREATE DATABASE shop", "CREATE TABLE shop.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(20))",
                    "INSERT INTO shop.orders (customer) VALUES ('a'), ('b'), ('c')");
            EnvironmentStore store = new EnvironmentStore(dir);
            BlueGreenTarget target = new BlueGreenTarget("production",
                    new ConnectionSpec(blue.host(), blue.port(), "shop", "admin", Secret.of("admin-pw", "test")), green.root("shop"),
                    Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofSeconds(60));
            SelfManagedBlueGreen bg = new SelfManagedBlueGreen(target, store, Progress.silent(), Clock.systemUTC());

            BlueGreenResult created = bg.create(false);
            assertEquals("created", created.outcome());
            assertTrue(created.snapshot().file().startsWith("blue-bin."), created.toString());
            assertEquals(3, count(green.root("shop"), "orders"));
            exec(blue.root("shop"), "INSERT INTO orders (customer) VALUES ('after-copy')");
            await(green.root("shop"), "SELECT COUNT(*) FROM orders WHERE customer = 'after-copy'", "1");

            exec(green.root("shop"), "ALTER TABLE orders ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'web'");
            exec(blue.root("shop"), "INSERT INTO orders (customer) VALUES ('after-migrate')");
            await(green.root("shop"), "SELECT channel FROM orders WHERE customer = 'after-migrate'", "web");
            var comparison = bg.compareWithBlue(Set.of("orders"), 5, 1000);
            assertTrue(comparison.success(), comparison.toString());

            BlueGreenResult switched = bg.switchover(false);
            assertEquals("switched-over", switched.outcome(), switched.toString());
            assertEquals("1", column(blue.root(null), "SELECT @@GLOBAL.read_only").get(0));
            assertEquals("0", column(green.root(null), "SELECT @@GLOBAL.read_only").get(0));
            assertTrue(column(green.root(null), "SHOW SLAVE STATUS").isEmpty(), "green forgot blue");
            assertEquals(count(blue.root("shop"), "orders"), count(green.root("shop"), "orders"));
            ConnectionSpec app = new ConnectionSpec(blue.host(), blue.port(), "shop", "app", Secret.of("app-pw", "test"));
            SQLException refused = assertThrows(SQLException.class, () -> {
                try (Connection c = Jdbc.open(app); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO orders (customer) VALUES ('late')");
                }
            });
            assertEquals(1290, refused.getErrorCode());
        }
    }
}
