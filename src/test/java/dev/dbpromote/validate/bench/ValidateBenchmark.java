package dev.dbpromote.validate.bench;

import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.validate.DataValidate;
import dev.dbpromote.validate.ExpectationResult;
import dev.dbpromote.validate.Strategy;
import dev.dbpromote.validate.ValidateRequest;
import dev.dbpromote.validate.ValidationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: times a 22-expectation suite (20 scan aggregates, a median and quantiles) on one table with the default
 * single-scan strategy, with {@code --strategy per-expectation} (each expectation its own query; a GX run issues at least as many),
 * and a plain full scan of the referenced columns (the floor); prints the ratios of the same run and how the ordered
 * pass (median, quantiles) ran.
 *
 * <pre>
 * ./mvnw -B -q -o test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.dbpromote.validate.bench.ValidateBenchmark \
 *     -Dexec.args="[rows=5000000] [repeats=2] [suite.yaml]"
 * </pre>
 * With {@code -Dbench.breakdown=true} it also prints what each aggregate of the scan costs.
 */
public final class ValidateBenchmark {

    /** Served by the table's one ordered pass (a query of its own, after the scan). */
    static final String ORDERED = """
                - expect_column_median_to_be_between: {column: amount, min_value: 0, max_value: 100}
                - expect_column_quantile_values_to_be_between:
                    column: qty
                    quantile_ranges: {quantiles: [0.05, 0.5, 0.95], value_ranges: [[1, 2], [5, 6], [9, 10]]}
            """;

    static final String SUITE = """
            suite: bench
            tables:
              bench:
                - expect_table_row_count_to_be_between: {min_value: 1}
                - expect_column_values_to_not_be_null: {column: customer_id}
                - expect_column_values_to_not_be_null: {column: status}
                - expect_column_values_to_not_be_null: {column: email, mostly: 0.99}
                - expect_column_values_to_be_in_set: {column: status, value_set: [new, paid, shipped, cancelled]}
                - expect_column_values_to_not_be_in_set: {column: country, value_set: [XX, ZZ]}
                - expect_column_values_to_be_between: {column: amount, min_value: 0, max_value: 100000}
                - expect_column_values_to_be_between: {column: qty, min_value: 1, max_value: 10}
                - expect_column_min_to_be_between: {column: amount, min_value: 0}
                - expect_column_max_to_be_between: {column: qty, max_value: 10}
                - expect_column_mean_to_be_between: {column: amount, min_value: 1, max_value: 100}
                - expect_column_sum_to_be_between: {column: qty, min_value: 1}
                - expect_column_values_to_match_regex: {column: code, regex: '^AB-[0-9]+$'}
                - expect_column_values_to_not_match_regex: {column: email, regex: '\\s'}
                - expect_column_value_lengths_to_be_between: {column: country, min_value: 2, max_value: 2}
                - expect_column_pair_values_a_to_be_greater_than_b: {column_A: updated_at, column_B: created_at, or_equal: true}
                - expect_column_distinct_values_to_be_in_set: {column: country, value_set: [GB, US, DE, FR, FI]}
                - expect_column_unique_value_count_to_be_between: {column: status, min_value: 2, max_value: 10}
                - expect_column_values_to_be_unique: {column: email}
                - expect_column_max_to_be_recent: {column: updated_at, max_age: 36500d}
            """ + ORDERED;

    static final String FLOOR = "SELECT COUNT(*), MAX(customer_id), MAX(status), MAX(email), MAX(country), MAX(amount), MAX(qty),"
            + " MAX(code), MAX(created_at), MAX(updated_at) FROM bench";

    /** Calibration: about as many aggregates as the suite's scan has, each the cheapest kind (MIN/MAX of a column). */
    static final String MIN_MAX = "SELECT COUNT(*), MAX(customer_id), MAX(status), MAX(email), MAX(country), MAX(amount), MAX(qty),"
            + " MAX(code), MAX(created_at), MAX(updated_at), MIN(customer_id), MIN(status), MIN(email), MIN(country), MIN(amount),"
            + " MIN(qty), MIN(code), MIN(created_at), MIN(updated_at) FROM bench";

    private ValidateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("dbpromote-bench");
        Path suite = dir.resolve("bench.yaml");
        // Optional third argument: another suite for table 'bench' (e.g. without the regex expectations, to see their share).
        Files.writeString(suite, args.length > 2 ? Files.readString(Path.of(args[2])) : SUITE);
        try (EmbeddedMariaDb server = EmbeddedMariaDb.start()) {
            ConnectionSpec root = server.root(null);
            try (Connection c = Jdbc.open(root); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bench");
                s.execute("USE bench"); // the sequence engine's seq_1_to_N tables live in the current database
                s.execute("CREATE TABLE bench.bench (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(12) NOT NULL,"
                        + " amount DECIMAL(10,2), qty INT, email VARCHAR(64), country CHAR(2), code VARCHAR(16),"
                        + " created_at DATETIME, updated_at DATETIME, UNIQUE KEY email_uq (email))");
                long t0 = System.nanoTime();
                long batch = 500_000;
                for (long from = 1; from <= rows; from += batch) {
                    long to = Math.min(rows, from + batch - 1);
                    s.execute("INSERT INTO bench.bench SELECT seq, seq % 100000, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),"
                            + " (seq % 10000) / 100, 1 + seq % 10, CONCAT('user', seq, '@example.com'), ELT(1 + seq % 5, 'GB', 'US', 'DE', 'FR', 'FI'),"
                            + " CONCAT('AB-', seq % 1000), '2025-01-01' + INTERVAL (seq % 300) DAY, '2025-01-01' + INTERVAL (seq % 300 + seq % 7) DAY"
                            + " FROM seq_" + from + "_to_" + to);
                }
                System.out.printf(Locale.ROOT, "generated %,d rows x 10 columns in %.1f s (%s)%n", rows, (System.nanoTime() - t0) / 1e9,
                        server.root("bench").describe());
            }
            ConnectionSpec db = server.root("bench");
            floor(db); // warm the buffer pool / page cache once, untimed
            double floor = Double.MAX_VALUE;
            double minMax = Double.MAX_VALUE;
            double single = Double.MAX_VALUE;
            double per = Double.MAX_VALUE;
            int singleQueries = 0;
            List<String> singleLog = List.of();
            int perQueries = 0;
            for (int i = 0; i < repeats; i++) {
                floor = Math.min(floor, floor(db));
                minMax = Math.min(minMax, time(db, MIN_MAX));
                List<String> log = new ArrayList<>();
                ValidationResult a = run(db, suite, Strategy.SINGLE_SCAN, log::add);
                if (a.duration().toNanos() / 1e9 < single) {
                    singleLog = log;
                }
                single = Math.min(single, a.duration().toNanos() / 1e9);
                singleQueries = a.queries();
                ValidationResult b = run(db, suite, Strategy.PER_EXPECTATION);
                per = Math.min(per, b.duration().toNanos() / 1e9);
                perQueries = b.queries();
                check(a);
                check(b);
            }
            // Where the median and the quantile cost goes: the same suite without them, in the same run.
            Path unordered = dir.resolve("unordered.yaml");
            Files.writeString(unordered, Files.readString(suite).replace(ORDERED, ""));
            double withoutOrdered = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                withoutOrdered = Math.min(withoutOrdered, run(db, unordered, Strategy.SINGLE_SCAN).duration().toNanos() / 1e9);
            }
            if (Boolean.getBoolean("bench.breakdown")) {
                breakdown(db, suite);
            }
            // The same suite when email has no unique index: its uniqueness check becomes a COUNT(DISTINCT) in the scan.
            try (Connection c = Jdbc.open(db); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE bench DROP INDEX email_uq");
            }
            floor(db);
            double noIndex = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                noIndex = Math.min(noIndex, run(db, suite, Strategy.SINGLE_SCAN).duration().toNanos() / 1e9);
            }
            System.out.printf(Locale.ROOT, "rows %,d, %s, best of %d%n", rows, args.length > 2 ? args[2] : "22 expectations", repeats);
            System.out.printf(Locale.ROOT, "  floor (one plain scan of the referenced columns): %7.2f s%n", floor);
            System.out.printf(Locale.ROOT, "  single-scan (default, %2d queries):              %7.2f s  = %.2fx the floor%n", singleQueries, single, single / floor);
            System.out.printf(Locale.ROOT, "  per-expectation (%2d queries):                   %7.2f s  = %.2fx the floor%n", perQueries, per, per / floor);
            System.out.printf(Locale.ROOT, "  per-expectation / single-scan: %.2fx (goal >= 5x); single-scan / floor: %.2fx (goal <= 1.5x)%n",
                    per / single, single / floor);
            System.out.printf(Locale.ROOT, "  of which the ordered pass (median of amount, 3 quantiles of qty; 1 query): %.2f s"
                    + " (single-scan without them: %.2f s)%n", single - withoutOrdered, withoutOrdered);
            // The fastest single-scan run's own log: the scan's time, and the ordered pass's form and time.
            singleLog.stream().filter(l -> l.contains("scanned") || l.contains("ordered pass")).forEach(l -> System.out.println("    " + l.strip()));
            System.out.printf(Locale.ROOT, "  calibration: 19 plain MIN/MAX aggregates over the same columns: %.2f s = %.2fx the floor%n",
                    minMax, minMax / floor);

            System.out.printf(Locale.ROOT, "  single-scan without the unique index on email (COUNT(DISTINCT email) in the scan): %.2f s = %.2fx the floor%n",
                    noIndex, noIndex / floor);
        }
    }

    private static ValidationResult run(ConnectionSpec db, Path suite, Strategy strategy) {
        return run(db, suite, strategy, line -> { });
    }

    /** Runs the suite; {@code log} gets the progress lines (printed too with {@code -Dbench.verbose=true}). */
    private static ValidationResult run(ConnectionSpec db, Path suite, Strategy strategy, Progress log) {
        Progress out = Boolean.getBoolean("bench.verbose") ? Progress.to(System.out) : Progress.silent();
        return new DataValidate(line -> {
            log.line(line);
            out.line(line);
        }).run(new ValidateRequest(db, null, suite, Map.of(), Set.of(), null, "bench", strategy, 20, false, 0));
    }

    private static void check(ValidationResult r) {
        for (ExpectationResult e : r.results()) {
            if (!e.success()) {
                System.out.println("  (unexpected failure: " + e.id() + " " + e.message() + ")");
            }
        }
    }

    private static double floor(ConnectionSpec db) throws Exception {
        return time(db, FLOOR);
    }

    private static double time(ConnectionSpec db, String sql) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = Jdbc.open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * {@code -Dbench.breakdown=true}: what each aggregate of the single scan costs on top of reading the rows (the
     * scan's SQL as the server received it, from the general log, values inlined by the driver).
     */
    private static void breakdown(ConnectionSpec db, Path suite) throws Exception {
        String scan;
        try (Connection c = Jdbc.open(db); Statement s = c.createStatement()) {
            s.execute("SET GLOBAL log_output = 'TABLE'");
            s.execute("TRUNCATE mysql.general_log");
            s.execute("SET GLOBAL general_log = ON");
            run(db, suite, Strategy.SINGLE_SCAN);
            s.execute("SET GLOBAL general_log = OFF");
            try (ResultSet rs = s.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                    + " WHERE argument LIKE '%SELECT COUNT(*) AS a0,%' ORDER BY event_time DESC LIMIT 1")) {
                rs.next();
                String logged = rs.getString(1);
                int from = logged.indexOf("SELECT COUNT(*) AS a0,");
                scan = logged.substring(from, logged.indexOf(" FROM `bench`.`bench`", from));
            }
        }
        List<String> items = selectItems(scan.substring("SELECT ".length()));
        // Each aggregate alone on top of a plain read of every row, best of 3: differences of ~0.1-1 s between
        // 2-3 s queries are steadier than leaving one out of the 7-8 s scan.
        String from = " FROM bench FORCE INDEX (PRIMARY)";
        double base = best(db, "SELECT COUNT(*)" + from);
        System.out.printf(Locale.ROOT, "  breakdown: reading every row takes %.2f s; each of the scan's %d aggregates adds, alone:%n",
                base, items.size() - 1);
        List<Object[]> rows = new ArrayList<>();
        for (String item : items.subList(1, items.size())) { // item 0 is COUNT(*), which every scan has
            rows.add(new Object[] {best(db, "SELECT COUNT(*), " + item + from) - base, item});
        }
        rows.sort((x, y) -> Double.compare((double) y[0], (double) x[0]));
        for (Object[] r : rows) {
            String item = (String) r[1];
            System.out.printf(Locale.ROOT, "    %5.2f s  %s%n", (double) r[0], item.length() > 110 ? item.substring(0, 107) + "..." : item);
        }
    }

    private static double best(ConnectionSpec db, String sql) throws Exception {
        return Math.min(time(db, sql), Math.min(time(db, sql), time(db, sql)));
    }

    /** The top-level comma-separated items of a select list (commas inside quotes or parentheses do not split). */
    static List<String> selectItems(String list) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (quoted && ch == '\\' && i + 1 < list.length()) {
                cur.append(ch).append(list.charAt(++i));
                continue;
            }
            if (ch == '\'') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')') {
                depth--;
            } else if (!quoted && depth == 0 && ch == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
                continue;
            }
            cur.append(ch);
        }
        out.add(cur.toString().strip());
        return out;
    }
}
