package dev.dbpromote.demo;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.clone.SchemaCopier;
import dev.dbpromote.core.Progress;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.MigrateResult;
import dev.dbpromote.migrate.MigrationFile;
import dev.dbpromote.migrate.MigrationSet;
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

    /** The orders service's account (no admin rights, so a read-only server refuses its writes, as production's would). */
    public static final String APP_USER = "orders_app";

    /**
     * Production's accounts on blue and green: the service's ({@link #APP_USER}) on both, and on blue dbpromote's admin
     * account (with a password: MariaDB 11.4 replicas verify blue's TLS certificate through it).
     */
    public static void createAccounts(ConnectionSpec blueRoot, ConnectionSpec greenRoot, String adminPassword, String appPassword) {
        run(blueRoot.withDatabase(null), "CREATE USER 'dbpromote'@'%' IDENTIFIED BY '" + adminPassword + "'",
                "GRANT ALL PRIVILEGES ON *.* TO 'dbpromote'@'%'");
        for (ConnectionSpec server : List.of(blueRoot, greenRoot)) {
            run(server.withDatabase(null), "CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + appPassword + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON orders.* TO '" + APP_USER + "'@'%'");
        }
    }

    /** Migrates production's orders database as the team's earlier releases did (V1 up to {@code target}). */
    public static void migrateOrders(ConnectionSpec orders, Path repo, String target) {
        MigrationSet set = MigrationScanner.scan(List.of(repo.resolve("db/migrations")), "auto");
        MigrateResult r = new DbMigrate(orders, set, new DbMigrate.Options("flyway_schema_history", target, false, List.of(), null, false),
                Progress.silent()).migrate();
        if (!r.success()) {
            throw DbPromoteException.external("Demo setup failed: production's migrations to V" + target + " did not apply");
        }
    }

    /** Staging: a copy of production's orders database on the same server (as staging was refreshed from production). */
    public static void createStaging(ConnectionSpec root) {
        new SchemaCopier(2, Progress.silent()).copyOnServer(root.withDatabase(null), "orders", "orders_staging");
    }

    /**
     * The rollback point before staging's migrations: a copy of the schema here ({@code dbpromote snapshot} makes a tagged
     * RDS snapshot where staging is on RDS); returns its name.
     */
    public static String snapshotStaging(ConnectionSpec root) {
        String name = "orders_staging_before_pr";
        new SchemaCopier(2, Progress.silent()).copyOnServer(root.withDatabase(null), "orders_staging", name);
        return name;
    }

    /** A random password for the demo's accounts (letters and digits). */
    public static String randomPassword() {
        var random = new java.security.SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            b.append("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".charAt(random.nextInt(56)));
        }
        return b.toString();
    }

    /** {@code SELECT COUNT(*) FROM <from>}. */
    public static long count(ConnectionSpec spec, String from) {
        try (Connection c = Jdbc.open(spec); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DbPromoteException.external("Demo count failed: " + e.getMessage(), e);
        }
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
