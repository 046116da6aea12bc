package dev.dbpromote.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A sample suite (test fixture) for an orders / customers / order_items schema; validates
 * its clone with. It expects {@code customers(id PK, email NOT NULL, name, country CHAR(2), created_at)},
 * {@code orders(id PK, customer_id NOT NULL, status, total DECIMAL, created_at, shipped_at NULL)} and
 * {@code order_items(order_id, line_no, PK(order_id, line_no), sku, quantity, unit_price)}; its status set
 * leaves out {@code refunded}, so one refunded order shows what a failure looks like.
 */
public final class SampleSuites {

    private SampleSuites() {
    }

    /** Writes the sample orders suite to {@code file} (replacing it) and returns the file. */
    public static Path writeOrdersSuite(Path file) {
        try (InputStream in = SampleSuites.class.getResourceAsStream("sample-orders-suite.yaml")) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the sample suite to " + file, e);
        }
    }
}
