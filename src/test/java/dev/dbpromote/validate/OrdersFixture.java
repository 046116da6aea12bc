package dev.dbpromote.validate;

import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Path;

/** The orders / customers / order_items sample schema (fixed dates, so two copies are identical), with one 'refunded' order the sample suite rejects. */
final class OrdersFixture {

    private OrdersFixture() {
    }

    static void create(TestDatabase db) {
        db.execute(
                "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(100), country CHAR(2),"
                        + " created_at DATETIME NOT NULL)",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(20) NOT NULL, total DECIMAL(10,2),"
                        + " created_at DATETIME NOT NULL, shipped_at DATETIME NULL)",
                "CREATE TABLE order_items (order_id INT NOT NULL, line_no INT NOT NULL, sku VARCHAR(40), quantity INT,"
                        + " unit_price DECIMAL(10,2), PRIMARY KEY (order_id, line_no))",
                "INSERT INTO customers VALUES (1,'ada@example.com','Ada','GB','2025-05-31 12:00:00'),"
                        + " (2,'linus@example.org','Linus','FI','2025-06-10 12:00:00'), (3,'grace@example.net','Grace','US','2025-06-20 12:00:00')",
                "INSERT INTO orders VALUES (10,1,'paid',25.00,'2025-06-25 12:00:00',NULL), (11,1,'shipped',99.90,'2025-06-26 12:00:00', '2025-06-27 12:00:00'),"
                        + " (12,2,'new',10.00,'2025-06-29 12:00:00',NULL), (13,3,'refunded',42.00,'2025-06-28 12:00:00',NULL)",
                "INSERT INTO order_items VALUES (10,1,'SKU-1',1,25.00), (11,1,'SKU-2',2,49.95), (12,1,'SKU-3',1,10.00), (13,1,'SKU-1',1,42.00)");
    }

    /** The sample suite from the main resources, as the demo writes it. */
    static Path sampleSuite(Path dir) {
        return SampleSuites.writeOrdersSuite(dir.resolve("expectations.yaml"));
    }
}
