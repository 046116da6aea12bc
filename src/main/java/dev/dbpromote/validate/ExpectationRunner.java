package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a checked suite: metadata expectations from information_schema, aggregate expectations in one
 * scan per (table, row_condition) — or one query each with {@link Strategy#PER_EXPECTATION} — then the
 * reference, source and custom-SQL checks, then failing-row samples for what failed.
 */
final class ExpectationRunner {

    private final Connection target;
    private final Connection source;
    private final String sourceDatabase;
    private final Schema schema;
    private final Strategy strategy;
    private final int sampleRows;
    private final Progress progress;
    private int queries;

    ExpectationRunner(Connection target, Connection source, String sourceDatabase, Schema schema, Strategy strategy,
            int sampleRows, Progress progress) {
        this.target = target;
        this.source = source;
        this.sourceDatabase = sourceDatabase;
        this.schema = schema;
        this.strategy = strategy;
        this.sampleRows = sampleRows;
        this.progress = progress;
    }

    int queries() {
        return queries;
    }

    List<ExpectationResult> run(Suite suite, SuiteChecker.Checked checked) {
        Map<String, ExpectationResult> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<Expectation>> entry : suite.byTable().entrySet()) {
            List<Expectation> list = entry.getValue();
            var table = schema.table(entry.getKey());
            List<Checks.Compiled> compiled = new ArrayList<>();
            Map<String, ScanQuery> scans = new LinkedHashMap<>();
            List<Expectation> later = new ArrayList<>();
            Map<String, Integer> laterHandles = new LinkedHashMap<>();
            Map<String, ScanQuery> laterScans = new LinkedHashMap<>();
            for (Expectation e : list) {
                String why = checked.notRunnable().get(e.id());
                if (why != null) {
                    boolean existence = e.type() == ExpectationType.EXPECT_TABLE_TO_EXIST || e.type() == ExpectationType.EXPECT_COLUMN_TO_EXIST;
                    results.put(e.id(), result(e, Checks.Outcome.of(false, null, existence ? why : "not run: " + why), List.of(), List.of()));
                    continue;
                }
                Schema.Table t = table.orElseThrow();
                switch (e.type().kind()) {
                    case METADATA -> results.put(e.id(), result(e, metadata(e, t), List.of(), List.of()));
                    case AGGREGATE -> compiled.add(Checks.compile(e, scan(scans, t, e.rowCondition(), e.id()), schema, t));
                    case REFERENCE, SOURCE -> {
                        ScanQuery q = scan(scans, t, e.rowCondition(), e.id());
                        laterHandles.put(e.id(), e.type() == ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_EQUAL_SOURCE
                                ? q.add("COUNT(*)") : q.add("COUNT(" + Sql.quote(t.column(e.column()).orElseThrow().name()) + ")"));
                        laterScans.put(e.id(), q);
                        later.add(e);
                        results.put(e.id(), null);
                    }
                    case CUSTOM_SQL -> {
                        later.add(e);
                        results.put(e.id(), null);
                    }
                }
                if (e.type().kind() == ExpectationType.Kind.AGGREGATE) {
                    results.put(e.id(), null);
                }
            }
            for (ScanQuery q : scans.values()) {
                long start = System.nanoTime();
                try {
                    q.run(target);
                } catch (SQLException ex) {
                    throw DbPromoteException.external("The scan of table '" + entry.getKey() + "' failed: " + ex.getMessage()
                            + "\nQuery: " + q.sql(), ex);
                }
                queries++;
                progress.line("  scanned %s%s: %d expectation(s) in one query, %d ms", entry.getKey(),
                        q.condition() == null ? "" : " where " + q.condition(), countFor(compiled, laterScans, q),
                        (System.nanoTime() - start) / 1_000_000);
            }
            for (Checks.Compiled c : compiled) {
                Checks.Outcome o = c.evaluator().evaluate(c.query());
                List<String> cols = new ArrayList<>();
                List<List<Object>> rows = new ArrayList<>();
                if (!o.success() && c.samples() != null && sampleRows > 0) {
                    List<Object> binds = new ArrayList<>(c.samples().binds());
                    binds.add((long) sampleRows);
                    fetch(target, c.samples().sql(), binds, cols, rows);
                }
                results.put(c.expectation().id(), result(c.expectation(), o, cols, rows));
            }
            for (ScanQuery q : scans.values()) {
                queries += q.queries() - 1; // the scans are counted above; this adds the deferred ones that ran
                String ordered = q.ordered().summary();
                if (ordered != null) {
                    progress.line("  ordered pass of %s%s: %s", entry.getKey(), q.condition() == null ? "" : " where " + q.condition(), ordered);
                }
            }
            for (Expectation e : later) {
                Schema.Table t = table.orElseThrow();
                results.put(e.id(), switch (e.type().kind()) {
                    case REFERENCE -> reference(e, t, laterScans.get(e.id()).count(laterHandles.get(e.id())), laterScans.get(e.id()).count(0));
                    case SOURCE -> sourceCount(e, t, laterScans.get(e.id()).count(laterHandles.get(e.id())));
                    default -> custom(e, t);
                });
            }
        }
        return results.values().stream().filter(Objects::nonNull).toList();
    }

    private static long countFor(List<Checks.Compiled> compiled, Map<String, ScanQuery> later, ScanQuery q) {
        return compiled.stream().filter(c -> c.query() == q).count() + later.values().stream().filter(x -> x == q).count();
    }

    private ScanQuery scan(Map<String, ScanQuery> scans, Schema.Table t, String condition, String id) {
        String key = strategy == Strategy.PER_EXPECTATION ? id : String.valueOf(condition);
        return scans.computeIfAbsent(key, k -> new ScanQuery(Sql.table(schema.database(), t.name()), condition, schema.server()));
    }

    private ExpectationResult reference(Expectation e, Schema.Table t, long nonNull, long rows) {
        String child = Sql.quote(t.column(e.column()).orElseThrow().name());
        Schema.Table other = schema.table(e.string("other_table")).orElseThrow();
        String parent = Sql.table(schema.database(), other.name());
        String parentCol = Sql.quote(other.column(e.string("other_column")).orElseThrow().name());
        String orphan = "dbp_child." + child + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + parent + " AS dbp_parent WHERE dbp_parent."
                + parentCol + " = dbp_child." + child + ")";
        String from = " FROM " + Sql.table(schema.database(), t.name()) + " AS dbp_child WHERE "
                + (e.rowCondition() == null ? "" : "(" + e.rowCondition() + ") AND ") + orphan;
        long orphans = single(target, "SELECT COUNT(*)" + from);
        double pct = nonNull == 0 ? 0 : 100.0 * orphans / nonNull;
        boolean ok = nonNull == 0 || (double) (nonNull - orphans) / nonNull >= e.mostly() - 1e-12;
        List<String> cols = new ArrayList<>();
        List<List<Object>> rowsOut = new ArrayList<>();
        if (!ok && sampleRows > 0) {
            List<String> names = new ArrayList<>(t.primaryKey());
            if (!names.contains(t.column(e.column()).orElseThrow().name())) {
                names.add(t.column(e.column()).orElseThrow().name());
            }
            fetch(target, "SELECT " + String.join(", ", names.stream().map(n -> "dbp_child." + Sql.quote(n)).toList()) + from + " LIMIT ?",
                    List.of((long) sampleRows), cols, rowsOut);
        }
        String msg = orphans + " of " + nonNull + " values of " + e.column() + " not found in " + other.name() + "."
                + e.string("other_column") + String.format(Locale.ROOT, " (%.2f%%)", pct);
        return result(e, new Checks.Outcome(ok, null, rows, orphans, pct, rows - nonNull, msg), cols, rowsOut);
    }

    private ExpectationResult sourceCount(Expectation e, Schema.Table t, long targetRows) {
        long sourceRows;
        try {
            sourceRows = single(source, "SELECT COUNT(*) FROM " + Sql.table(sourceDatabase, t.name()));
        } catch (DbPromoteException ex) {
            return result(e, Checks.Outcome.of(false, targetRows, "could not count the source table: " + ex.getMessage()), List.of(), List.of());
        }
        boolean ok = sourceRows == targetRows;
        return result(e, new Checks.Outcome(ok, targetRows, targetRows, null, null, null,
                "row count " + targetRows + (ok ? " equals" : " differs from") + " the source's " + sourceRows), List.of(), List.of());
    }

    private ExpectationResult custom(Expectation e, Schema.Table t) {
        String q = Checks.customQuery(e, Sql.table(schema.database(), t.name()));
        long n = single(target, "SELECT COUNT(*) FROM (" + q + ") AS dbp_unexpected");
        List<String> cols = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        if (n > 0 && sampleRows > 0) {
            fetch(target, "SELECT * FROM (" + q + ") AS dbp_unexpected LIMIT ?", List.of((long) sampleRows), cols, rows);
        }
        String desc = e.string("description");
        return result(e, new Checks.Outcome(n == 0, n, null, n, null, null,
                (desc == null ? "" : desc + ": ") + n + " unexpected row(s) returned"), cols, rows);
    }

    private Checks.Outcome metadata(Expectation e, Schema.Table t) {
        List<String> actual = t.columnNames();
        switch (e.type()) {
            case EXPECT_TABLE_TO_EXIST:
                return Checks.Outcome.of(true, t.name(), "table " + t.name() + " exists");
            case EXPECT_TABLE_COLUMNS_TO_MATCH_SET: {
                List<String> want = e.strings("column_set");
                List<String> missing = want.stream().filter(w -> actual.stream().noneMatch(a -> a.equalsIgnoreCase(w))).toList();
                List<String> extra = actual.stream().filter(a -> want.stream().noneMatch(w -> w.equalsIgnoreCase(a))).toList();
                boolean exact = e.arg("exact_match") == null || e.flag("exact_match");
                boolean ok = missing.isEmpty() && (!exact || extra.isEmpty());
                return Checks.Outcome.of(ok, actual, ok ? "columns match" : "missing " + missing + (exact ? ", unexpected " + extra : ""));
            }
            case EXPECT_TABLE_COLUMNS_TO_MATCH_ORDERED_LIST: {
                List<String> want = e.strings("column_list").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
                boolean ok = want.equals(actual.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
                return Checks.Outcome.of(ok, actual, ok ? "columns in order" : "columns are " + actual + ", expected " + e.strings("column_list"));
            }
            case EXPECT_COLUMN_TO_EXIST: {
                var col = t.column(e.column());
                if (col.isEmpty()) {
                    return Checks.Outcome.of(false, actual, "column " + e.column() + " does not exist; columns: " + actual);
                }
                int idx = actual.indexOf(col.get().name());
                if (e.arg("column_index") instanceof Number n && n.intValue() != idx) {
                    return Checks.Outcome.of(false, idx, "column " + e.column() + " is at index " + idx + " (0-based), expected " + n);
                }
                return Checks.Outcome.of(true, idx, "column " + e.column() + " exists at index " + idx);
            }
            case EXPECT_TABLE_COLUMN_COUNT_TO_EQUAL: {
                int n = actual.size();
                boolean ok = new java.math.BigDecimal(String.valueOf(e.arg("value"))).compareTo(java.math.BigDecimal.valueOf(n)) == 0;
                return Checks.Outcome.of(ok, n, n + " columns" + (ok ? ", as expected" : ", expected " + e.arg("value")));
            }
            case EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN: {
                int n = actual.size();
                boolean ok = Checks.inRange(java.math.BigDecimal.valueOf(n), e);
                return Checks.Outcome.of(ok, n, n + " columns" + (ok ? " is " : ", expected ") + Checks.range(e));
            }
            case EXPECT_COLUMN_VALUES_TO_BE_OF_TYPE:
            case EXPECT_COLUMN_VALUES_TO_BE_IN_TYPE_LIST: {
                Schema.Column col = t.column(e.column()).orElseThrow();
                List<String> want = e.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_OF_TYPE ? List.of(e.string("type_")) : e.strings("type_list");
                boolean ok = want.stream().anyMatch(w -> Types.matches(col, w));
                String observed = Types.describe(col);
                return Checks.Outcome.of(ok, observed, "type " + observed + (ok ? " matches " : " does not match ") + want);
            }
            default:
                throw new IllegalStateException("not a metadata expectation: " + e.type());
        }
    }

    private ExpectationResult result(Expectation e, Checks.Outcome o, List<String> cols, List<List<Object>> rows) {
        return new ExpectationResult(e.id(), e.table(), e.type().gxName(), e.kwargs(), e.line(), o.success(), e.warnOnly(),
                o.observed(), o.elementCount(), o.unexpectedCount(), o.unexpectedPercent(), o.missingCount(),
                List.copyOf(cols), List.copyOf(rows), o.message());
    }

    private long single(Connection c, String sql) {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            queries++;
            rs.next();
            return rs.getLong(1);
        } catch (SQLException ex) {
            throw DbPromoteException.external("Query failed: " + ex.getMessage() + "\nQuery: " + sql, ex);
        }
    }

    private void fetch(Connection c, String sql, List<Object> binds, List<String> cols, List<List<Object>> rows) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < binds.size(); i++) {
                Checks.bind(ps, i + 1, binds.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                queries++;
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add(md.getColumnLabel(i));
                }
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(Checks.plain(rs.getObject(i)));
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException ex) {
            throw DbPromoteException.external("Fetching sample rows failed: " + ex.getMessage() + "\nQuery: " + sql, ex);
        }
    }
}
