package dev.dbpromote.demo;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.migrate.MigrationFile;
import dev.dbpromote.migrate.MigrationScanner;
import dev.dbpromote.migrate.SqlStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The demo's "production": an orders database with realistic volumes (customers, products, orders,
 * order items; ~370k rows, generated server-side with MariaDB's sequence engine) and a billing
 * database that goose has managed so far.
 */
public final class SampleProduction {

    public static final int CUSTOMERS = 20_000;
    public static final int PRODUCTS = 1_000;
    public static final int ORDERS = 100_000;
    public static final int ITEMS = 250_000;
    public static final int INVOICES = 50_000;

    private SampleProduction() {
    }

    /** Copies the sample repositories (config + migrations) out of the jar into {@code dir}. */
    public static void writeSampleRepos(Path dir) {
        try (InputStream list = SampleProduction.class.getResourceAsStream("files.txt")) {
            for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) {
                    continue;
                }
                try (InputStream in = SampleProduction.class.getResourceAsStream(name.strip())) {
                    Path target = dir.resolve(name.strip());
                    Files.createDirectories(target.getParent());
                    Files.write(target, in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty {@code orders} database, which the demo then migrates to V3 like production was. */
    public static void createOrdersDatabase(ConnectionSpec root) {
        run(root.withDatabase(null), "CREATE DATABASE orders");
    }

    /** Fills the orders tables (created by migrations V1-V3) with generated data. */
    public static void loadOrders(ConnectionSpec orders) {
        run(orders,
                "INSERT INTO customers (id, email, name, country, legacy_code, created_at)"
                        + " SELECT seq, CONCAT('customer', seq, '@example.com'), CONCAT('Customer ', seq),"
                        + " ELT(1 + seq % 5, 'US', 'DE', 'FR', 'GB', 'JP'), IF(seq % 7 = 0, CONCAT('L', seq), NULL),"
                        + " TIMESTAMP'2025-01-01 00:00:00' + INTERVAL (seq % 600) DAY FROM seq_1_to_" + CUSTOMERS,
                "INSERT INTO products (id, sku, name, price) SELECT seq, CONCAT('SKU-', LPAD(seq, 6, '0')),"
                        + " CONCAT('Product ', seq), ROUND(1 + (seq * 37 % 500) + (seq % 100) / 100, 2) FROM seq_1_to_" + PRODUCTS,
                "INSERT INTO orders (id, customer_id, status, total, created_at) SELECT seq, 1 + (seq * 7919) % " + CUSTOMERS + ","
                        + " ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'delivered'), 0,"
                        + " TIMESTAMP'2025-06-01 00:00:00' + INTERVAL (seq % 500) DAY + INTERVAL (seq % 86400) SECOND"
                        + " FROM seq_1_to_" + ORDERS,
                "INSERT INTO order_items (id, order_id, product_id, quantity, price) SELECT seq, 1 + (seq - 1) % " + ORDERS + ","
                        + " 1 + (seq * 31) % " + PRODUCTS + ", 1 + seq % 5, ROUND(1 + (seq * 13 % 500), 2) FROM seq_1_to_" + ITEMS,
                "UPDATE orders o JOIN (SELECT order_id, SUM(quantity * price) s FROM order_items GROUP BY order_id) i"
                        + " ON i.order_id = o.id SET o.total = i.s",
                "ANALYZE TABLE customers, products, orders, order_items");
    }

    /**
     * Creates the billing database as goose would have left it: the first two goose migrations applied
     * and recorded in {@code goose_db_version}, invoices filled.
     */
    public static void createBillingManagedByGoose(ConnectionSpec root, Path billingMigrations) {
        run(root.withDatabase(null), "CREATE DATABASE billing");
        ConnectionSpec billing = root.withDatabase("billing");
        run(billing, "CREATE TABLE goose_db_version (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                + " version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL DEFAULT NOW())",
                "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1)");
        List<MigrationFile> files = MigrationScanner.scan(List.of(billingMigrations), "goose").files();
        for (MigrationFile f : files.subList(0, 2)) {
            run(billing, f.statements().stream().map(SqlStatement::sql).toArray(String[]::new));
            run(billing, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (" + f.version() + ", 1)");
        }
        run(billing, "INSERT INTO invoices (order_id, amount, currency, issued_at) SELECT seq, ROUND(5 + seq % 900, 2),"
                + " IF(seq % 3 = 0, 'USD', 'EUR'), TIMESTAMP'2025-06-01 00:00:00' + INTERVAL (seq % 500) DAY FROM seq_1_to_" + INVOICES);
    }

    static void run(ConnectionSpec spec, String... sql) {
        try (Connection c = Jdbc.open(spec); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw DbPromoteException.external("Demo setup failed: " + e.getMessage(), e);
        }
    }
}
