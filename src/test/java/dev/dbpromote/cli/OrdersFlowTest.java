package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.demo.SampleProduction;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's orders service (its dbpromote.yaml, V1-V6 and expectation suite, as the demo writes them)
 * through the real command line on each server: production migrated to V3 with a few rows, a PR clone
 * with the mysql provider, the PR's migrations on it, validation with compare-with-source, destroy.
 * (The demo itself fills production with MariaDB's sequence engine, so it runs on MariaDB only.)
 */
class OrdersFlowTest {

    @TempDir
    Path root;

    @EachServer
    void productionToV3ThenAPrCloneMigratedToV6AndValidated(TestDatabase production) throws Exception {
        SampleProduction.writeSampleRepos(root);
        Path orders = root.resolve("orders");
        Path config = orders.resolve("dbpromote.yaml");
        // The demo's config, on this test's database (the clone is named after the app: orders_dev_pr_<n>).
        Files.writeString(config, Files.readString(config).replace("database: orders", "database: " + production.name()));
        CliRun cli = CliRun.in(orders).env("DEMO_DB_PORT", String.valueOf(production.port()));
        String pr = String.valueOf(ProcessHandle.current().pid() % 100_000);

        CliRun.Result toV3 = cli.run("migrate", "--env", "production", "--target", "3");
        assertEquals(0, toV3.exitCode(), toV3.toString());
        production.execute(
                "INSERT INTO customers VALUES (1, 'ada@example.com', 'Ada', 'GB', 'L1', '2025-01-02 00:00:00'),"
                        + " (2, 'linus@example.org', 'Linus', 'DE', NULL, '2025-02-03 00:00:00')",
                "INSERT INTO products VALUES (1, 'SKU-000001', 'Widget', 9.99)",
                "INSERT INTO orders VALUES (10, 1, 'paid', 19.98, NOW()), (11, 2, 'delivered', 9.99, NOW())",
                "INSERT INTO order_items VALUES (100, 10, 1, 2, 9.99), (101, 11, 1, 1, 9.99)");
        try {
            CliRun.Result clone = cli.run("clone", "--env", "dev", "--pr", pr);
            assertEquals(0, clone.exitCode(), clone.toString());
            CliRun.Result migrate = cli.run("migrate", "--env", "dev", "--pr", pr);
            assertEquals(0, migrate.exitCode(), migrate.toString());
            String cloneDb = "orders_dev_pr_" + pr;
            assertEquals(List.of("6"), production.column("SELECT MAX(CAST(version AS UNSIGNED)) FROM `" + cloneDb + "`.flyway_schema_history"));
            assertEquals(List.of("web"), production.column("SELECT DISTINCT channel FROM `" + cloneDb + "`.orders"), "V4's default");
            assertEquals(List.of("3"), production.column("SELECT MAX(CAST(version AS UNSIGNED)) FROM flyway_schema_history"),
                    "production untouched");

            // The suite fails on purpose on the 'delivered' order; V4-V6 touched orders, order_items and customers.
            // This production has 2 orders, not the demo's 100,000: --param overrides validate.parameters.
            CliRun.Result validate = cli.run("validate", "--env", "dev", "--pr", pr, "--param", "BASELINE_ORDERS=2");
            assertEquals(1, validate.exitCode(), validate.toString());
            assertTrue(validate.out().contains("FAIL orders: expect_column_values_to_be_in_set(status) — 1 of 2 values not in"
                    + " [new, paid, shipped]"), validate.out());
            assertEquals(1, validate.out().lines().filter(l -> l.strip().startsWith("FAIL ")).count(), validate.out());
            assertTrue(validate.out().contains("NOTE customers: changed (touched by the migrations applied in this run)"), validate.out());
            assertTrue(validate.out().lines().noneMatch(l -> l.strip().startsWith("DIFF ")), "products is the same as in production: "
                    + validate.out());
        } finally {
            CliRun.Result destroy = cli.run("env", "destroy", "--env", "dev", "--pr", pr);
            assertEquals(0, destroy.exitCode(), destroy.toString());
        }
    }
}
