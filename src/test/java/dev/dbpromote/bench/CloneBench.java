package dev.dbpromote.bench;

import dev.dbpromote.clone.SchemaCopier;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * Clone speed: the MySQL-server provider's server-side parallel copy vs {@code mariadb-dump | mariadb} on the
 * same embedded MariaDB, and vs a plain copy of the source's data files (after {@code FLUSH TABLES … FOR
 * EXPORT}). Not a test: prints times and ratios measured in one run.
 *
 * <pre>java -cp … dev.dbpromote.bench.CloneBench [sizeMB=1024] [parallelism=4]</pre>
 */
public final class CloneBench {

    private CloneBench() {
    }

    public static void main(String[] args) throws Exception {
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        System.out.printf("CloneBench: target ~%d MB source schema, parallelism %d, %d CPUs%n", mb, parallelism,
                Runtime.getRuntime().availableProcessors());
        try (EmbeddedMariaDb server = EmbeddedMariaDb.start()) {
            long t0 = System.nanoTime();
            generate(server, mb);
            System.out.printf("generated in %.1fs: %s%n", secs(t0), size(server, "bench_src"));

            long a = System.nanoTime();
            new SchemaCopier(parallelism, Progress.to(System.out)).copyOnServer(server.root(null), "bench_src", "bench_clone");
            double provider = secs(a);

            long b = System.nanoTime();
            Path bin = server.baseDir().resolve("bin");
            String conn = "-h127.0.0.1 -P" + server.port() + " -uroot";
            exec(server, "CREATE DATABASE bench_dump");
            Process p = new ProcessBuilder("bash", "-c", bin.resolve("mariadb-dump") + " " + conn
                    + " --single-transaction --routines --triggers bench_src | " + bin.resolve("mariadb") + " " + conn + " bench_dump")
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("mariadb-dump | mariadb failed with " + p.exitValue());
            }
            double dump = secs(b);

            long c = System.nanoTime();
            Path copyDir = Files.createTempDirectory("dbpromote-bench-files");
            long bytes = fileCopy(server, copyDir);
            double files = secs(c);

            System.out.printf("%nsource %s%n", size(server, "bench_src"));
            System.out.printf("rows: source %d, provider clone %d, dump clone %d%n", rows(server, "bench_src"), rows(server, "bench_clone"),
                    rows(server, "bench_dump"));
            System.out.printf("MySQL-server provider (server-side, %d parallel): %8.1f s%n", parallelism, provider);
            System.out.printf("mariadb-dump | mariadb:                      %8.1f s%n", dump);
            System.out.printf("file copy of the data files (%d MB):        %8.1f s%n", bytes >> 20, files);
            System.out.printf("provider is %.2fx faster than dump|restore; %.2fx the time of a file copy%n", dump / provider, provider / files);
            try (Stream<Path> s = Files.walk(copyDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }

    /** Four tables with secondary indexes, filled server-side from MariaDB's sequence engine. */
    static void generate(EmbeddedMariaDb server, int mb) throws Exception {
        long customers = Math.max(1000, mb * 1500L);
        long orders = customers * 2;
        long events = customers;
        exec(server, "CREATE DATABASE bench_src");
        exec(server, "CREATE TABLE bench_src.customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120) NOT NULL,"
                + " name VARCHAR(80), country CHAR(2), created_at DATETIME NOT NULL, KEY ix_email (email), KEY ix_created (created_at))");
        exec(server, "CREATE TABLE bench_src.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL,"
                + " total DECIMAL(12,2), status VARCHAR(16), note VARCHAR(255), created_at DATETIME, KEY ix_customer (customer_id),"
                + " KEY ix_status_created (status, created_at), CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id))");
        exec(server, "CREATE TABLE bench_src.order_items (id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL,"
                + " sku VARCHAR(32), qty INT, price DECIMAL(10,2), KEY ix_order (order_id), KEY ix_sku (sku))");
        exec(server, "CREATE TABLE bench_src.events (id BIGINT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20), payload TEXT,"
                + " at DATETIME, KEY ix_kind_at (kind, at))");
        exec(server, "CREATE VIEW bench_src.big_orders AS SELECT id, total FROM bench_src.orders WHERE total > 900");
        fill(server, "INSERT INTO bench_src.customers (id, email, name, country, created_at) SELECT seq, CONCAT('user', seq, '@example.com'),"
                + " CONCAT('Name ', MD5(seq)), ELT(1 + seq % 5, 'US', 'DE', 'FR', 'JP', 'BR'), '2020-01-01' + INTERVAL (seq % 1500) DAY FROM seq_{FROM}_to_{TO}", customers);
        fill(server, "INSERT INTO bench_src.orders (id, customer_id, total, status, note, created_at) SELECT seq, 1 + seq % " + customers
                + ", (seq * 7919) % 100000 / 100, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), REPEAT(MD5(seq), 3),"
                + " '2021-01-01' + INTERVAL (seq % 1200) DAY FROM seq_{FROM}_to_{TO}", orders);
        fill(server, "INSERT INTO bench_src.order_items (id, order_id, sku, qty, price) SELECT seq, 1 + seq % " + orders
                + ", CONCAT('SKU-', seq % 5000), 1 + seq % 5, (seq * 31) % 10000 / 100 FROM seq_{FROM}_to_{TO}", orders);
        fill(server, "INSERT INTO bench_src.events (id, kind, payload, at) SELECT seq, ELT(1 + seq % 3, 'login', 'view', 'buy'),"
                + " REPEAT(SHA2(seq, 256), 8), NOW() - INTERVAL seq MINUTE FROM seq_{FROM}_to_{TO}", events);
    }

    private static void fill(EmbeddedMariaDb server, String template, long total) throws Exception {
        long chunk = 200_000;
        for (long from = 1; from <= total; from += chunk) {
            long to = Math.min(total, from + chunk - 1);
            // The sequence engine's seq_X_to_Y tables need a current database.
            try (Connection c = Jdbc.open(server.root("bench_src")); Statement s = c.createStatement()) {
                s.execute(template.replace("{FROM}", String.valueOf(from)).replace("{TO}", String.valueOf(to)));
            }
        }
    }

    private static long fileCopy(EmbeddedMariaDb server, Path to) throws Exception {
        List<String> tables = List.of("customers", "orders", "order_items", "events");
        long bytes = 0;
        try (Connection c = Jdbc.open(server.root("bench_src")); Statement s = c.createStatement()) {
            // Quiesce the tables so the files are consistent (transportable tablespaces), then copy them.
            s.execute("FLUSH TABLES " + String.join(", ", tables) + " FOR EXPORT");
            try (Stream<Path> files = Files.list(server.dataDir().resolve("bench_src"))) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                    bytes += Files.size(f);
                }
            }
            s.execute("UNLOCK TABLES");
        }
        return bytes;
    }

    private static String size(EmbeddedMariaDb server, String schema) throws Exception {
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SUM(DATA_LENGTH) >> 20, SUM(INDEX_LENGTH) >> 20, SUM(TABLE_ROWS) FROM"
                     + " information_schema.TABLES WHERE TABLE_SCHEMA = '" + schema + "'")) {
            rs.next();
            return rs.getLong(1) + " MB data + " + rs.getLong(2) + " MB indexes, ~" + rs.getLong(3) + " rows";
        }
    }

    private static long rows(EmbeddedMariaDb server, String schema) throws Exception {
        long n = 0;
        for (String t : List.of("customers", "orders", "order_items", "events")) {
            try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + schema + "." + t)) {
                rs.next();
                n += rs.getLong(1);
            }
        }
        return n;
    }

    private static void exec(EmbeddedMariaDb server, String sql) throws Exception {
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double secs(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
