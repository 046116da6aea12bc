package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares every table of the clone with the same table in the source: row count and an
 * order-independent fingerprint ({@code SUM(CRC32(row))} and {@code BIT_XOR} of 64 bits of
 * {@code MD5(row)}, row = primary key + common columns), computed on each server in primary-key ranges so
 * no rows travel. Where a range differs it is bisected down to small ranges whose keys are compared, and
 * sample keys are reported (missing in the clone, extra in the clone, changed).
 *
 * <p>Tables the PR's migrations touched are expected to differ: they are listed with their differences,
 * never failed. Migration history tables count as touched.
 */
public final class SourceComparison {

    /** Tables every migration tool changes; never a failure. */
    static final Set<String> HISTORY_TABLES = Set.of("flyway_schema_history", "goose_db_version", "schema_version");

    private static final int LEAF_KEYS = 512;
    private static final int MAX_RANGES = 20;
    private static final long MAX_CHUNKS = 2_000;
    private static final long MAX_UNKEYED_DIFF_ROWS = 200_000;

    /** A key that differs. {@code kind}: missing-in-clone, extra-in-clone, changed. */
    public record KeyDiff(List<Object> key, String kind) {
    }

    /**
     * One table's comparison. {@code status}: {@code match}, {@code differs} (fails the run),
     * {@code changed} (differs, but a migration touched it: reported only), {@code missing-in-clone},
     * {@code only-in-clone}.
     */
    public record TableDiff(String table, String status, boolean touched, Long sourceRows, Long targetRows,
            List<String> columns, List<String> primaryKey, List<String> differingRanges, List<KeyDiff> sampleKeys, String message) {

        public boolean failsRun() {
            return !touched && !status.equals("match");
        }
    }

    public record Result(boolean success, String source, List<TableDiff> tables, List<String> touchedTables, Duration duration) {
    }

    private final Connection source;
    private final String sourceDb;
    private final Connection target;
    private final String targetDb;
    private final Set<String> touched;
    private final int sampleKeys;
    private final long chunkKeys;
    private final Progress progress;

    /**
     * @param touched tables the PR's migrations changed (case-insensitive)
     * @param sampleKeys how many differing keys to show per table
     * @param chunkKeys primary-key range per fingerprint query
     */
    public SourceComparison(Connection source, String sourceDb, Connection target, String targetDb, Set<String> touched,
            int sampleKeys, long chunkKeys, Progress progress) {
        this.source = source;
        this.sourceDb = sourceDb;
        this.target = target;
        this.targetDb = targetDb;
        this.touched = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        this.touched.addAll(touched);
        this.touched.addAll(HISTORY_TABLES);
        this.sampleKeys = Math.max(1, sampleKeys);
        this.chunkKeys = Math.max(LEAF_KEYS, chunkKeys);
        this.progress = progress;
    }

    public Result compare(String sourceDescription) {
        long start = System.nanoTime();
        Schema s = Schema.read(source, sourceDb);
        Schema t = Schema.read(target, targetDb);
        // Base tables only: a view has no rows of its own to compare.
        Set<String> names = new TreeSet<>();
        s.tables().values().stream().filter(x -> !x.view()).forEach(x -> names.add(x.name()));
        t.tables().values().stream().filter(x -> !x.view()).forEach(x -> names.add(x.name()));
        List<TableDiff> diffs = new ArrayList<>();
        for (String name : names) {
            boolean isTouched = touched.contains(name);
            var st = s.table(name);
            var tt = t.table(name);
            if (st.isEmpty() || tt.isEmpty()) {
                String status = st.isEmpty() ? "only-in-clone" : "missing-in-clone";
                diffs.add(new TableDiff(name, isTouched ? "changed" : status, isTouched, st.isEmpty() ? null : count(source, sourceDb, name),
                        tt.isEmpty() ? null : count(target, targetDb, name), List.of(), List.of(), List.of(), List.of(),
                        st.isEmpty() ? "table exists only in the clone" : "table is missing in the clone"));
                continue;
            }
            diffs.add(table(st.get(), tt.get(), isTouched));
            TableDiff d = diffs.get(diffs.size() - 1);
            // "database", not "clone": staging and production are validated against the source too.
            progress.line("  compared %s: %s (source %d rows, database %d rows)%s", name, d.status(), d.sourceRows(), d.targetRows(),
                    d.touched() ? ", touched by the migrations applied in this run" : "");
        }
        boolean ok = diffs.stream().noneMatch(TableDiff::failsRun);
        List<String> touchedList = touched.stream().filter(x -> !HISTORY_TABLES.contains(x.toLowerCase(Locale.ROOT))).toList();
        return new Result(ok, sourceDescription, diffs, touchedList, Duration.ofNanos(System.nanoTime() - start));
    }

    private TableDiff table(Schema.Table st, Schema.Table tt, boolean isTouched) {
        List<String> common = new ArrayList<>();
        for (Schema.Column c : st.columns()) {
            if (tt.column(c.name()).isPresent()) {
                common.add(c.name());
            }
        }
        List<String> notes = new ArrayList<>();
        Set<String> onlySource = new LinkedHashSet<>(st.columnNames());
        onlySource.removeAll(common);
        Set<String> onlyTarget = new LinkedHashSet<>(tt.columnNames());
        onlyTarget.removeIf(x -> st.column(x).isPresent());
        if (!onlySource.isEmpty()) {
            notes.add("columns only in the source: " + onlySource);
        }
        if (!onlyTarget.isEmpty()) {
            notes.add("columns only in the clone: " + onlyTarget);
        }
        List<String> pk = st.primaryKey().equals(tt.primaryKey()) ? st.primaryKey() : List.of();
        if (!st.primaryKey().equals(tt.primaryKey())) {
            notes.add("primary key differs: source " + st.primaryKey() + ", clone " + tt.primaryKey());
        }
        Fingerprinter fs = new Fingerprinter(source, Sql.table(sourceDb, st.name()), pk, common);
        Fingerprinter ft = new Fingerprinter(target, Sql.table(targetDb, tt.name()), pk, common);
        List<String> ranges = new ArrayList<>();
        List<KeyDiff> keys = new ArrayList<>();
        long sourceRows;
        long targetRows;
        boolean same;
        if (pk.size() == 1 && isInteger(st.column(pk.get(0)).orElseThrow())) {
            long[] rs = fs.bounds();
            long[] rt = ft.bounds();
            sourceRows = 0;
            targetRows = 0;
            same = true;
            if (rs != null || rt != null) {
                long lo = Math.min(rs == null ? Long.MAX_VALUE : rs[0], rt == null ? Long.MAX_VALUE : rt[0]);
                long hi = Math.max(rs == null ? Long.MIN_VALUE : rs[1], rt == null ? Long.MIN_VALUE : rt[1]);
                // Sparse keys: never more than MAX_CHUNKS range queries, however wide the key range.
                long width = Math.max(chunkKeys, (hi - lo) / MAX_CHUNKS + 1);
                for (long from = lo; from <= hi; from = from + width) {
                    long to = hi - from < width ? hi : from + width - 1;
                    Fingerprint a = fs.range(from, to);
                    Fingerprint b = ft.range(from, to);
                    sourceRows += a.rows();
                    targetRows += b.rows();
                    if (!a.equals(b)) {
                        same = false;
                        bisect(fs, ft, from, to, a, b, ranges, keys);
                    }
                    if (to == hi) {
                        break;
                    }
                }
            }
        } else {
            Fingerprint a = fs.all();
            Fingerprint b = ft.all();
            sourceRows = a.rows();
            targetRows = b.rows();
            same = a.equals(b);
            if (!same) {
                if (pk.isEmpty()) {
                    notes.add("no common primary key: cannot narrow down which rows differ");
                } else if (Math.max(a.rows(), b.rows()) > MAX_UNKEYED_DIFF_ROWS) {
                    notes.add("primary key is not a single integer column and the table has more than " + MAX_UNKEYED_DIFF_ROWS
                            + " rows: differing keys not listed");
                } else {
                    diffKeys(fs.rowHashes(null, null), ft.rowHashes(null, null), keys);
                    ranges.add("whole table");
                }
            }
        }
        boolean dataSame = same;
        same = same && onlySource.isEmpty() && onlyTarget.isEmpty();
        String status = same ? "match" : isTouched ? "changed" : "differs";
        String message = same ? "row count and fingerprint match"
                : (dataSame ? "rows match on the common columns (" + sourceRows + ")"
                        : sourceRows == targetRows ? "same row count (" + sourceRows + "), different content" : "row count " + targetRows
                        + " in the clone, " + sourceRows + " in the source")
                        + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        if (same && !notes.isEmpty()) {
            message = String.join("; ", notes);
        }
        return new TableDiff(st.name(), status, isTouched, sourceRows, targetRows, common, pk, ranges, keys, message);
    }

    private void bisect(Fingerprinter fs, Fingerprinter ft, long lo, long hi, Fingerprint a, Fingerprint b,
            List<String> ranges, List<KeyDiff> keys) {
        if (keys.size() >= sampleKeys && ranges.size() >= MAX_RANGES) {
            return;
        }
        if (hi - lo < LEAF_KEYS) {
            if (ranges.size() < MAX_RANGES) {
                ranges.add(lo + ".." + hi);
            }
            if (keys.size() < sampleKeys) {
                diffKeys(fs.rowHashes(lo, hi), ft.rowHashes(lo, hi), keys);
            }
            return;
        }
        long mid = lo + (hi - lo) / 2;
        Fingerprint a1 = fs.range(lo, mid);
        Fingerprint b1 = ft.range(lo, mid);
        if (!a1.equals(b1)) {
            bisect(fs, ft, lo, mid, a1, b1, ranges, keys);
        }
        // The second half's fingerprints follow from the whole and the first half (sums and XORs subtract).
        Fingerprint a2 = a.minus(a1);
        Fingerprint b2 = b.minus(b1);
        if (!a2.equals(b2)) {
            bisect(fs, ft, mid + 1, hi, a2, b2, ranges, keys);
        }
    }

    private void diffKeys(Map<List<Object>, String> a, Map<List<Object>, String> b, List<KeyDiff> keys) {
        for (Map.Entry<List<Object>, String> e : a.entrySet()) {
            if (keys.size() >= sampleKeys) {
                return;
            }
            String other = b.get(e.getKey());
            if (other == null) {
                keys.add(new KeyDiff(e.getKey(), "missing-in-clone"));
            } else if (!other.equals(e.getValue())) {
                keys.add(new KeyDiff(e.getKey(), "changed"));
            }
        }
        for (List<Object> k : b.keySet()) {
            if (keys.size() >= sampleKeys) {
                return;
            }
            if (!a.containsKey(k)) {
                keys.add(new KeyDiff(k, "extra-in-clone"));
            }
        }
    }

    private static boolean isInteger(Schema.Column c) {
        return c.dataType().matches("tinyint|smallint|mediumint|int|integer|bigint");
    }

    private static long count(Connection c, String db, String table) {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + Sql.table(db, table)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DbPromoteException.external("Counting rows of " + table + " failed: " + e.getMessage(), e);
        }
    }

    /** Row count, SUM of CRC32 and BIT_XOR of 64 MD5 bits: all order-independent and subtractable. */
    record Fingerprint(long rows, BigDecimal crcSum, BigDecimal xor) {
        Fingerprint minus(Fingerprint o) {
            return new Fingerprint(rows - o.rows, crcSum.subtract(o.crcSum),
                    new BigDecimal(xor.toBigInteger().xor(o.xor.toBigInteger())));
        }
    }

    /** Fingerprint queries for one table on one server. */
    private static final class Fingerprinter {
        private final Connection c;
        private final String table;
        private final List<String> pk;
        private final String rowText;

        Fingerprinter(Connection c, String table, List<String> pk, List<String> columns) {
            this.c = c;
            this.table = table;
            this.pk = pk;
            Set<String> all = new LinkedHashSet<>(pk);
            all.addAll(columns);
            // ISNULL() per column tells NULL from '' (CONCAT_WS skips NULLs); LENGTH() keeps separators in data from aliasing.
            StringBuilder sb = new StringBuilder("CONCAT_WS('|'");
            for (String col : all) {
                String q = Sql.quote(col);
                sb.append(", ISNULL(").append(q).append("), LENGTH(").append(q).append("), ").append(q);
            }
            this.rowText = sb.append(')').toString();
        }

        long[] bounds() {
            String k = Sql.quote(pk.get(0));
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(" + k + "), MAX(" + k + ") FROM " + table);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getObject(1) == null) {
                    return null;
                }
                return new long[] {rs.getLong(1), rs.getLong(2)};
            } catch (SQLException e) {
                throw fail(e);
            }
        }

        Fingerprint all() {
            return fingerprint("", List.of());
        }

        Fingerprint range(long lo, long hi) {
            return fingerprint(" WHERE " + Sql.quote(pk.get(0)) + " BETWEEN ? AND ?", List.of(lo, hi));
        }

        private Fingerprint fingerprint(String where, List<Long> binds) {
            String sql = "SELECT COUNT(*), COALESCE(SUM(CRC32(" + rowText + ")), 0), COALESCE(BIT_XOR(CAST(CONV(LEFT(MD5(" + rowText
                    + "), 16), 16, 10) AS UNSIGNED)), 0) FROM " + table + where;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < binds.size(); i++) {
                    ps.setLong(i + 1, binds.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Fingerprint(rs.getLong(1), new BigDecimal(rs.getString(2)), new BigDecimal(rs.getString(3)));
                }
            } catch (SQLException e) {
                throw fail(e);
            }
        }

        Map<List<Object>, String> rowHashes(Long lo, Long hi) {
            String keys = String.join(", ", pk.stream().map(Sql::quote).toList());
            String sql = "SELECT " + keys + ", MD5(" + rowText + ") FROM " + table
                    + (lo == null ? "" : " WHERE " + Sql.quote(pk.get(0)) + " BETWEEN ? AND ?") + " ORDER BY " + keys;
            Map<List<Object>, String> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (lo != null) {
                    ps.setLong(1, lo);
                    ps.setLong(2, hi);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<Object> key = new ArrayList<>();
                        for (int i = 1; i <= pk.size(); i++) {
                            key.add(Checks.plain(rs.getObject(i)));
                        }
                        out.put(key, Objects.toString(rs.getString(pk.size() + 1)));
                    }
                }
            } catch (SQLException e) {
                throw fail(e);
            }
            return out;
        }

        private DbPromoteException fail(SQLException e) {
            return DbPromoteException.external("Fingerprinting " + table + " failed: " + e.getMessage(), e);
        }
    }
}
