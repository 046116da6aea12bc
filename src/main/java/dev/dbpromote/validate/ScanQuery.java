package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code SELECT agg1, agg2, … FROM table [WHERE (row_condition)]}: the single scan that all aggregate
 * expectations of a table with the same row condition share. Expectations add aggregate expressions
 * (with {@code ?} placeholders and their values); identical expressions are computed once.
 *
 * <p>An expression added with {@link #addDeferred} is left out of the scan and computed only if an
 * expectation reads it — all such expressions together, in one more query. Denominators are deferred:
 * a column map expectation without {@code mostly} passes or fails on its unexpected count alone, and
 * only a failure needs the non-null count for its percentage. Every aggregate costs about as much per
 * row as the scan's share of a column does (MariaDB evaluates them row by row), so a passing suite
 * should not pay for numbers only failures print.
 */
final class ScanQuery {

    private final String qualifiedTable;
    private final String condition;
    private final Schema.Server server;
    private final List<String> expressions = new ArrayList<>();
    private final List<List<Object>> binds = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<Kind> kinds = new ArrayList<>();
    private Object[] values;
    private Connection connection;
    private boolean deferredRun;
    private int extraQueries;

    ScanQuery(String qualifiedTable, String condition, Schema.Server server) {
        this.qualifiedTable = qualifiedTable;
        this.condition = condition;
        this.server = server;
        add("COUNT(*)"); // handle 0: the rows scanned, which every expectation reports
    }

    /** Where an expression is computed. */
    private enum Kind {
        /** An aggregate in the scan. */
        SCAN,
        /** An aggregate computed only when read, in a query of its own. */
        DEFERRED,
        /** A function of the scan's aggregates (see {@link #addAfter}), computed once, not per row. */
        AFTER
    }

    /** Adds {@code expression} (an aggregate) and returns the handle to read its value with. */
    int add(String expression, List<Object> values) {
        return add(expression, values, Kind.SCAN);
    }

    /** Like {@link #add}, but computed only when read (see the class comment); in the scan if also added plainly. */
    int addDeferred(String expression) {
        return add(expression, List.of(), Kind.DEFERRED);
    }

    /**
     * Adds an expression over the scan's aggregates, named with {@link #ref}: {@code TIMESTAMPDIFF(SECOND, <ref of
     * MAX(col)>, NOW())} computes the age from the one MAX the scan already has, rather than a second MAX per row.
     */
    int addAfter(String expression) {
        return add(expression, List.of(), Kind.AFTER);
    }

    /** How an {@link #addAfter} expression names the scan aggregate {@code handle}. */
    static String ref(int handle) {
        return "dbp_scan.a" + handle;
    }

    private int add(String expression, List<Object> values, Kind kind) {
        // A deferred and a scan aggregate with the same text are one value: in the scan, when either needs it there.
        String key = (kind == Kind.AFTER ? "after\u0000" : "") + expression + "\u0000" + values;
        Integer existing = index.get(key);
        if (existing != null) {
            if (kind == Kind.SCAN && kinds.get(existing) == Kind.DEFERRED) {
                kinds.set(existing, Kind.SCAN);
            }
            return existing;
        }
        expressions.add(expression);
        binds.add(java.util.Collections.unmodifiableList(new ArrayList<>(values))); // a set may hold NULL
        kinds.add(kind);
        index.put(key, expressions.size() - 1);
        return expressions.size() - 1;
    }

    int add(String expression) {
        return add(expression, List.of());
    }

    /** The handle of {@code expression} (without bind values) if the scan computes it, else null. */
    Integer scanned(String expression) {
        Integer handle = index.get(expression + "\u0000" + List.of());
        return handle != null && kinds.get(handle) == Kind.SCAN ? handle : null;
    }

    String condition() {
        return condition;
    }

    boolean isEmpty() {
        return expressions.isEmpty();
    }

    String sql() {
        return select(false);
    }

    /** The query that computes the deferred expressions, or null when there are none. */
    String deferredSql() {
        return kinds.contains(Kind.DEFERRED) ? select(true) : null;
    }

    /** Queries run: the scan, and the deferred query if an expectation needed it. */
    int queries() {
        return (values == null ? 0 : 1) + (deferredRun ? 1 : 0) + extraQueries + (ordered.values == null ? 0 : 1);
    }

    /** The ordered pass of this scan's table and row condition (see {@link Ordered}). */
    Ordered ordered() {
        return ordered;
    }

    /**
     * The one query (per table and row condition) that serves every expectation needing the rows in order — median,
     * quantiles, increasing/decreasing — run after the scan, when first read, since its bind values and its shape depend
     * on the scan's results (which row is the median needs the non-null count).
     *
     * <p>The k-th smallest value of a column ({@link #kth}) comes from one of two forms, chosen per column from what the
     * scan found out. When the column can hold at most {@link #HISTOGRAM_MAX_VALUES} distinct values, from its histogram,
     * {@code SELECT col, COUNT(*) … GROUP BY col}: the first value whose running count reaches k, counted here — a hash
     * aggregation of the rows, no sort of them (measured at 2M rows: 0.5 s for a column of 10 or 10,000 values against
     * 3 s for sorting it). Otherwise (a wide or unknown range, where a GROUP BY of millions of groups spills to disk and
     * costs more than the sort), from window functions over the rows: {@code SELECT <aggregates> FROM (SELECT <columns and
     * window expressions> FROM table WHERE (condition)) AS dbp_ordered}, which also serves increasing/decreasing
     * ({@code LAG}). Both are one statement: the GROUP BYs and the window aggregates' row are branches of a {@code UNION ALL}.
     */
    final class Ordered {
        private final List<String> inner = new ArrayList<>();
        private final Map<String, String> aliases = new HashMap<>();
        private final List<String> outer = new ArrayList<>();
        private final List<java.util.function.Supplier<List<Object>>> outerBinds = new ArrayList<>();
        private final List<Kth> kths = new ArrayList<>();
        private Object[] values;
        private Object[] kthValues;
        private String sql;
        private List<Object> params;

        /** The k-th smallest non-null value of {@code column}; see {@link #kth}. */
        private record Kth(String column, java.util.function.LongSupplier distinctBound, java.util.function.LongSupplier nulls,
                java.util.function.LongSupplier k) {
        }

        /** A column or window expression of the inner select; returns the alias the aggregates name it by. */
        String alias(String expression) {
            return aliases.computeIfAbsent(expression, e -> {
                inner.add(e);
                return "o" + (inner.size() - 1);
            });
        }

        /** An aggregate over the inner select; {@code binds} is asked for its values when the query runs. */
        int add(String aggregate, java.util.function.Supplier<List<Object>> binds) {
            outer.add(aggregate);
            outerBinds.add(binds);
            return outer.size() - 1;
        }

        /**
         * The {@code k}-th smallest non-null value of {@code column} (a quoted name; k from 1), read with {@link #kthValue}.
         * The suppliers are asked after the scan: {@code distinctBound}, at least the number of distinct values (the
         * histogram is used when it is at most {@link #HISTOGRAM_MAX_VALUES}; {@link Long#MAX_VALUE} when not known),
         * and {@code nulls}, the rows where the column is NULL (which sort first in the window form).
         */
        int kth(String column, java.util.function.LongSupplier distinctBound, java.util.function.LongSupplier nulls,
                java.util.function.LongSupplier k) {
            kths.add(new Kth(column, distinctBound, nulls, k));
            return kths.size() - 1;
        }

        Object value(int handle) {
            run();
            return values[handle];
        }

        Object kthValue(int handle) {
            run();
            return kthValues[handle];
        }

        /** The statement as last built (the query of an error message; null before the first read). */
        String sql() {
            return sql;
        }

        private void run() {
            if (values != null) {
                return;
            }
            build();
            long start = System.nanoTime();
            Object[] window = new Object[outer.size()];
            // Per histogram column: its values in order (as numbers, each parsed once), each with a value as the server
            // returned it and its row count.
            Map<String, java.util.TreeMap<BigDecimal, Bucket>> counts = new HashMap<>();
            histogramColumns.forEach(c -> counts.put(c, new java.util.TreeMap<>()));
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    Checks.bind(ps, i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    // Columns: dbp_set (-1 for the window row, else the GROUP BY's number), one per histogram column, dbp_n, v0…
                    int h = histogramColumns.size();
                    while (rs.next()) {
                        if (rs.getInt(1) < 0) {
                            for (int i = 0; i < window.length; i++) {
                                window[i] = rs.getObject(h + 3 + i);
                            }
                            continue;
                        }
                        long n = rs.getLong(h + 2);
                        for (int p = 0; p < h; p++) {
                            Object v = rs.getObject(p + 2);
                            if (v != null) {
                                Object value = v instanceof Boolean b ? Long.valueOf(b ? 1 : 0) : v; // TINYINT(1) on MySQL
                                counts.get(histogramColumns.get(p)).computeIfAbsent(new BigDecimal(value.toString()), x -> new Bucket(value)).rows += n;
                            }
                        }
                    }
                }
            } catch (SQLException ex) {
                throw DbPromoteException.external("The ordered pass (median, quantiles, increasing/decreasing) failed: "
                        + ex.getMessage() + "\nQuery: " + sql, ex);
            }
            kthValues = new Object[kths.size()];
            for (int i = 0; i < kths.size(); i++) {
                Kth kth = kths.get(i);
                java.util.TreeMap<BigDecimal, Bucket> histogram = counts.get(kth.column());
                if (histogram == null) {
                    kthValues[i] = window[kthColumns[i]];
                    continue;
                }
                // The first value whose running count reaches k is the k-th smallest.
                long k = kth.k().getAsLong();
                long running = 0;
                for (Bucket bucket : histogram.values()) {
                    running += bucket.rows;
                    if (running >= k) {
                        kthValues[i] = bucket.value;
                        break;
                    }
                }
            }
            values = window;
            millis = (System.nanoTime() - start) / 1_000_000;
        }

        private long millis;
        private int groupBys;

        /**
         * What the ordered pass did, for the progress log — {@code median/quantiles of `amount`, `qty` from 1 GROUP BY;
         * window functions over `w`: 680 ms} — or null if no expectation needed it.
         */
        String summary() {
            if (values == null) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            if (!histogramColumns.isEmpty()) {
                parts.add("k-th values of " + String.join(", ", histogramColumns) + " from " + groupBys + " GROUP BY (histogram)");
            }
            if (!outer.isEmpty()) {
                parts.add("window functions over " + String.join(", ", inner.stream().filter(e -> !e.contains(" OVER ")).toList()));
            }
            return String.join("; ", parts) + ", " + millis + " ms";
        }

        /** One value of a histogram and the rows that have it. */
        private static final class Bucket {
            private final Object value;
            private long rows;

            Bucket(Object value) {
                this.value = value;
            }
        }

        /** The window aggregate each k-th value of the window form is, set by {@link #build}. */
        private int[] kthColumns;
        /** The columns whose k-th values come from their histogram, set by {@link #build}. */
        private final List<String> histogramColumns = new ArrayList<>();

        /**
         * Decides each ranked column's form and writes the statement, one {@code UNION ALL} branch per GROUP BY and one
         * for the window aggregates' row. Histogram columns share a GROUP BY while the product of their possible value
         * counts stays within {@link #HISTOGRAM_MAX_VALUES} (one read of the table for, e.g., a median of a price and
         * quantiles of a quantity); each column's histogram is the sum over the others'.
         */
        private void build() {
            if (sql != null) {
                return;
            }
            Map<String, List<Integer>> byColumn = new java.util.LinkedHashMap<>();
            for (int i = 0; i < kths.size(); i++) {
                byColumn.computeIfAbsent(kths.get(i).column(), c -> new ArrayList<>()).add(i);
            }
            kthColumns = new int[kths.size()];
            Map<String, Long> bounds = new HashMap<>();
            for (Map.Entry<String, List<Integer>> c : byColumn.entrySet()) {
                String col = c.getKey();
                long bound = kths.get(c.getValue().get(0)).distinctBound().getAsLong();
                if (bound <= HISTOGRAM_MAX_VALUES) {
                    histogramColumns.add(col);
                    bounds.put(col, Math.max(1, bound));
                    continue;
                }
                // NULLs sort first: the k-th non-null value is at row nulls + k.
                String v = alias(col);
                String r = alias("ROW_NUMBER() OVER (ORDER BY " + col + ")");
                for (int i : c.getValue()) {
                    Kth kth = kths.get(i);
                    kthColumns[i] = add("MAX(CASE WHEN " + r + " = ? THEN " + v + " END)",
                            () -> List.of(kth.nulls().getAsLong() + kth.k().getAsLong()));
                }
            }
            List<List<String>> groups = new ArrayList<>();
            List<String> bySize = new ArrayList<>(histogramColumns);
            bySize.sort(java.util.Comparator.comparing(bounds::get));
            long product = Long.MAX_VALUE;
            for (String col : bySize) {
                long b = bounds.get(col);
                if (product <= HISTOGRAM_MAX_VALUES / b) {
                    groups.get(groups.size() - 1).add(col);
                    product *= b;
                } else {
                    groups.add(new ArrayList<>(List.of(col)));
                    product = b;
                }
            }
            groupBys = groups.size();
            List<String> branches = new ArrayList<>();
            params = new ArrayList<>();
            String window = String.join("", java.util.Collections.nCopies(outer.size(), ", NULL"));
            for (int g = 0; g < groups.size(); g++) {
                List<String> cols = groups.get(g);
                StringBuilder b = new StringBuilder("SELECT ").append(g).append(g == 0 ? " AS dbp_set" : "");
                for (int p = 0; p < histogramColumns.size(); p++) {
                    String col = histogramColumns.get(p);
                    b.append(", ").append(cols.contains(col) ? col : "NULL").append(g == 0 ? " AS h" + p : "");
                }
                b.append(", COUNT(*)").append(g == 0 ? " AS dbp_n" : "").append(window).append(" FROM ").append(qualifiedTable)
                        .append(" WHERE ").append(condition == null ? "" : "(" + condition + ") AND ")
                        .append("(").append(String.join(" OR ", cols.stream().map(c -> c + " IS NOT NULL").toList())).append(")")
                        .append(" GROUP BY ").append(String.join(", ", cols));
                branches.add(b.toString());
            }
            if (!outer.isEmpty()) {
                StringBuilder w = new StringBuilder("SELECT -1").append(branches.isEmpty() ? " AS dbp_set" : "");
                w.append(", NULL".repeat(histogramColumns.size() + 1)).append(branches.isEmpty() ? " AS dbp_n" : "");
                for (int i = 0; i < outer.size(); i++) {
                    w.append(", v").append(i);
                }
                branches.add(w.append(" FROM (").append(windowSql()).append(") AS dbp_w").toString());
                outerBinds.forEach(x -> params.addAll(x.get()));
            }
            sql = String.join(" UNION ALL ", branches);
        }

        private String windowSql() {
            StringBuilder sb = new StringBuilder("SELECT ");
            for (int i = 0; i < outer.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(outer.get(i)).append(" AS v").append(i);
            }
            sb.append(" FROM (SELECT ");
            for (int i = 0; i < inner.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(inner.get(i)).append(" AS o").append(i);
            }
            sb.append(" FROM ").append(qualifiedTable);
            if (condition != null) {
                sb.append(" WHERE (").append(condition).append(')');
            }
            return sb.append(") AS dbp_ordered").toString();
        }
    }

    /**
     * At most this many distinct values, a column's k-th values come from its histogram (see {@link Ordered}). A GROUP BY
     * of 100,000 groups stays in the server's in-memory temporary table (MariaDB's default 16 MB; MySQL 8's TempTable).
     */
    static final long HISTOGRAM_MAX_VALUES = 100_000;

    private final Ordered ordered = new Ordered();

    String table() {
        return qualifiedTable;
    }

    /**
     * A query of an expectation's own, run only when its result needs it (a failure's details, {@code mostly}):
     * every row of the result, first column first. Counted in {@link #queries()}.
     */
    List<List<Object>> rows(String sql, List<Object> params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Checks.bind(ps, i + 1, params.get(i));
            }
            extraQueries++;
            List<List<Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException ex) {
            throw DbPromoteException.external("Query failed: " + ex.getMessage() + "\nQuery: " + sql, ex);
        }
    }

    /** {@link #rows} for a query of one number. */
    long number(String sql, List<Object> params) {
        Object v = rows(sql, params).get(0).get(0);
        return v == null ? 0 : v instanceof Number n ? n.longValue() : new BigDecimal(v.toString()).longValue();
    }

    private String select(boolean later) {
        String scan = aggregates(later ? Kind.DEFERRED : Kind.SCAN);
        if (later || !kinds.contains(Kind.AFTER)) {
            return scan;
        }
        // The scan's one row, and the expressions over it: SELECT dbp_scan.a0, …, f(dbp_scan.a5) AS a9 FROM (scan) AS dbp_scan.
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < expressions.size(); i++) {
            if (kinds.get(i) != Kind.DEFERRED) {
                sb.append(i == 0 ? "" : ", ").append(kinds.get(i) == Kind.SCAN ? ref(i) : expressions.get(i) + " AS a" + i);
            }
        }
        return sb.append(" FROM (").append(scan).append(") AS dbp_scan").toString();
    }

    private String aggregates(Kind kind) {
        StringBuilder sb = new StringBuilder("SELECT ");
        boolean first = true;
        for (int i = 0; i < expressions.size(); i++) {
            if (kinds.get(i) == kind) {
                sb.append(first ? "" : ", ").append(expressions.get(i)).append(" AS a").append(i);
                first = false;
            }
        }
        if (condition == null && !server.mariaDb()) {
            // MySQL 8.0.15 (the tests' MySQL) answers a SELECT without WHERE whose aggregates are all COUNTs from
            // the table's row count: COUNT(col) and COUNT(CASE ...) come back equal to COUNT(*), so a NOT NULL
            // check passes on NULLs. Any other aggregate makes it read the rows. Not needed on MariaDB.
            sb.append(", MIN(1) AS dbp_scan");
        }
        sb.append(" FROM ").append(qualifiedTable);
        if (condition != null) {
            sb.append(" WHERE (").append(condition).append(')');
        }
        return sb.toString();
    }

    /** Runs the scan; {@code c} is kept for the deferred query, so it must stay open while results are read. */
    void run(Connection c) throws SQLException {
        connection = c;
        values = new Object[expressions.size()];
        fill(select(false), false);
    }

    private void fill(String sql, boolean later) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int p = 1;
            for (int i = 0; i < expressions.size(); i++) {
                if (kinds.get(i) == (later ? Kind.DEFERRED : Kind.SCAN)) {
                    for (Object v : binds.get(i)) {
                        Checks.bind(ps, p++, v);
                    }
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int col = 1;
                for (int i = 0; i < values.length; i++) {
                    if ((kinds.get(i) == Kind.DEFERRED) == later) {
                        values[i] = rs.getObject(col++);
                    }
                }
            }
        }
    }

    Object value(int handle) {
        if (kinds.get(handle) == Kind.DEFERRED && !deferredRun) {
            deferredRun = true;
            try {
                fill(select(true), true);
            } catch (SQLException ex) {
                throw DbPromoteException.external("Counting the non-null values for failed expectations failed: " + ex.getMessage()
                        + "\nQuery: " + select(true), ex);
            }
        }
        return values[handle];
    }

    /** Whether {@code handle} is left out of the scan (deferred, and not also added plainly). */
    boolean isDeferred(int handle) {
        return kinds.get(handle) == Kind.DEFERRED;
    }

    /** A count-like value; SQL's NULL (SUM over no rows) is 0. */
    long count(int handle) {
        Object v = value(handle);
        return v == null ? 0 : v instanceof Number n ? n.longValue() : new BigDecimal(v.toString()).longValue();
    }

    boolean truth(int handle) {
        return count(handle) != 0;
    }
}
