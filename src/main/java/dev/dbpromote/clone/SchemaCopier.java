package dev.dbpromote.clone;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Copies a schema: tables (with indexes, foreign keys and AUTO_INCREMENT counters, from
 * {@code SHOW CREATE TABLE}), their rows, views, stored routines and triggers.
 *
 * <p>On one server the rows never leave it: each table is one {@code INSERT … SELECT}, several tables at a
 * time on parallel connections. Consistency: {@code INSERT … SELECT} reads the source with locking reads
 * (InnoDB does not use a transaction's snapshot for it under REPEATABLE READ, see the MySQL manual,
 * "Locks Set by Different SQL Statements in InnoDB"), so a consistent copy across tables needs writers
 * held off: a coordinator connection holds {@code LOCK TABLES … READ} on the source's tables for the copy.
 * Readers are not blocked; writers wait. Point the source at a replica when that matters.
 *
 * <p>Onto another server the rows are streamed through this process inside one
 * {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} (no locks on the source), table by table.
 */
public final class SchemaCopier {

    /** What was copied. */
    public record Stats(int tables, long rows, int views, int routines, int triggers, Duration duration) {
    }

    private static final Pattern DEFINER = Pattern.compile(
            "\\s+DEFINER\\s*=\\s*(`[^`]*`|'[^']*'|[^\\s@]+)(@(`[^`]*`|'[^']*'|[^\\s]+))?", Pattern.CASE_INSENSITIVE);

    private final int parallelism;
    private final Progress progress;
    private final boolean deferTriggers;
    private final List<SchemaObjects.Ddl> deferred = new java.util.ArrayList<>();

    public SchemaCopier(int parallelism, Progress progress) {
        this(parallelism, progress, false);
    }

    private SchemaCopier(int parallelism, Progress progress, boolean deferTriggers) {
        this.parallelism = Math.max(1, parallelism);
        this.progress = progress;
        this.deferTriggers = deferTriggers;
    }

    /**
     * A copier that leaves the triggers out of the copy, for {@link #createDeferredTriggers} once the clone is
     * masked: the masking UPDATEs would otherwise fire copied triggers (an audit trigger keeps {@code OLD.email}).
     */
    public SchemaCopier deferringTriggers() {
        return new SchemaCopier(parallelism, progress, true);
    }

    /** Creates the triggers a {@link #deferringTriggers()} copy left out, in {@code target}; returns how many. */
    public int createDeferredTriggers(ConnectionSpec admin, String target) {
        try (Connection c = Jdbc.open(admin.withDatabase(null))) {
            try (Statement s = c.createStatement()) {
                s.execute("USE " + q(target));
            }
            for (SchemaObjects.Ddl t : deferred) {
                execute(c, t.sqlMode(), stripDefiner(t.sql()), "trigger " + t.name());
            }
            int n = deferred.size();
            deferred.clear();
            return n;
        } catch (SQLException e) {
            throw Jdbc.translate(admin, e);
        }
    }

    /** Copies {@code source} into the new schema {@code target} on the server {@code admin} reaches. */
    public Stats copyOnServer(ConnectionSpec admin, String source, String target) {
        long started = System.nanoTime();
        try (Connection c = Jdbc.open(admin.withDatabase(null))) {
            SchemaObjects objects = SchemaObjects.read(c, source, admin);
            createSchema(c, target, objects);
            List<String> tables = objects.tables();
            createTables(c, source, target, tables);
            AtomicLong rows = new AtomicLong();
            try (Statement lock = c.createStatement()) {
                if (!tables.isEmpty()) {
                    lock.execute("LOCK TABLES " + String.join(", ", tables.stream().map(t -> q(source) + "." + q(t) + " READ").toList()));
                }
                try {
                    parallel(tables, t -> rows.addAndGet(copyRowsOnServer(admin, source, target, t)));
                } finally {
                    lock.execute("UNLOCK TABLES");
                }
            }
            return finish(c, objects, source, target, rows.get(), started);
        } catch (SQLException e) {
            throw Jdbc.translate(admin, e);
        }
    }

    /** Copies {@code source} from one server into the new schema {@code target} on another, streaming rows. */
    public Stats copyAcrossServers(ConnectionSpec from, String source, ConnectionSpec to, String target) {
        return copyAcrossServers(from, source, to, target, src -> {
            try (Statement s = src.createStatement()) {
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            }
        });
    }

    /** Starts the read snapshot the rows are copied in, on the source connection (blue/green also records its binlog position). */
    @FunctionalInterface
    public interface SnapshotStart {
        void start(Connection source) throws SQLException;
    }

    /**
     * As {@link #copyAcrossServers(ConnectionSpec, String, ConnectionSpec, String)}, with the caller starting the
     * consistent snapshot every row is read in.
     */
    public Stats copyAcrossServers(ConnectionSpec from, String source, ConnectionSpec to, String target, SnapshotStart snapshot) {
        long started = System.nanoTime();
        try (Connection src = Jdbc.open(from.withDatabase(source)); Connection dst = Jdbc.open(to.withDatabase(null))) {
            SchemaObjects objects = SchemaObjects.read(src, source, from);
            createSchema(dst, target, objects);
            List<String> tables = objects.tables();
            try (Statement use = dst.createStatement()) {
                use.execute("USE " + q(target));
            }
            for (String t : tables) {
                createTable(src, dst, source, t);
            }
            long rows = 0;
            snapshot.start(src);
            for (String t : tables) {
                rows += streamRows(src, source, dst, target, t, objects.insertableColumns(t));
                try (Statement a = dst.createStatement()) {
                    a.execute("ANALYZE TABLE " + q(target) + "." + q(t)); // fresh sizes for the rehearsal
                }
            }
            try (Statement s = src.createStatement()) {
                s.execute("COMMIT");
            }
            return finish(dst, objects, source, target, rows, started);
        } catch (SQLException e) {
            throw Jdbc.translate(to, e);
        }
    }

    private Stats finish(Connection c, SchemaObjects objects, String source, String target, long rows, long started)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("USE " + q(target));
        }
        int views = createViews(c, objects, source, target);
        int routines = 0;
        for (SchemaObjects.Ddl r : objects.routines()) {
            execute(c, r.sqlMode(), stripDefiner(r.sql()), "routine " + r.name());
            routines++;
        }
        int triggers = 0;
        for (SchemaObjects.Ddl t : objects.triggers()) {
            if (deferTriggers) {
                deferred.add(t);
            } else {
                execute(c, t.sqlMode(), stripDefiner(t.sql()), "trigger " + t.name());
            }
            triggers++;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        progress.line("copied %s -> %s: %d tables, %d rows, %d views, %d routines, %d triggers in %.1fs", source, target,
                objects.tables().size(), rows, views, routines, triggers, took.toMillis() / 1000.0);
        return new Stats(objects.tables().size(), rows, views, routines, triggers, took);
    }

    private static void createSchema(Connection c, String target, SchemaObjects objects) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + q(target) + " CHARACTER SET " + objects.charset() + " COLLATE " + objects.collation());
        }
    }

    private void createTables(Connection c, String source, String target, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("USE " + q(target));
            // Foreign keys may point at tables not created yet; the definitions still carry them.
            s.execute("SET SESSION foreign_key_checks = 0");
            for (String t : tables) {
                createTable(c, c, source, t);
            }
            s.execute("SET SESSION foreign_key_checks = 1");
            s.execute("USE information_schema");
        }
    }

    private static void createTable(Connection from, Connection to, String source, String table) throws SQLException {
        String ddl;
        try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + q(source) + "." + q(table))) {
            rs.next();
            ddl = rs.getString(2);
        }
        try (Statement s = to.createStatement()) {
            s.execute("SET SESSION foreign_key_checks = 0");
            s.execute(ddl);
        }
    }

    private static long copyRowsOnServer(ConnectionSpec admin, String source, String target, String table) {
        try (Connection c = Jdbc.open(admin.withDatabase(null)); Statement s = c.createStatement()) {
            List<String> cols = SchemaObjects.insertableColumns(c, source, table);
            String list = String.join(", ", cols.stream().map(SchemaCopier::q).toList());
            // Empty target, no unique/FK checks: InnoDB takes its bulk-load path for the insert.
            s.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
            long rows = s.executeLargeUpdate("INSERT INTO " + q(target) + "." + q(table) + " (" + list + ") SELECT " + list
                    + " FROM " + q(source) + "." + q(table));
            // Fresh statistics: the rehearsal reads table sizes from information_schema, which would
            // otherwise report the empty table InnoDB saw at CREATE time.
            s.execute("ANALYZE TABLE " + q(target) + "." + q(table));
            return rows;
        } catch (SQLException e) {
            throw DbPromoteException.external("Copying table '" + table + "' of '" + source + "' failed: " + e.getMessage(), e);
        }
    }

    private static long streamRows(Connection src, String source, Connection dst, String target, String table, List<String> cols)
            throws SQLException {
        String list = String.join(", ", cols.stream().map(SchemaCopier::q).toList());
        int batch = 500;
        long n = 0;
        try (Statement s = src.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(Integer.MIN_VALUE); // Connector/J: stream rows instead of buffering the table
            try (ResultSet rs = s.executeQuery("SELECT " + list + " FROM " + q(source) + "." + q(table));
                 Statement set = dst.createStatement()) {
                set.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
                String row = "(" + String.join(", ", cols.stream().map(x -> "?").toList()) + ")";
                String insert = "INSERT INTO " + q(target) + "." + q(table) + " (" + list + ") VALUES ";
                List<Object[]> pending = new ArrayList<>();
                while (rs.next()) {
                    Object[] values = new Object[cols.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = rs.getObject(i + 1);
                    }
                    pending.add(values);
                    if (pending.size() == batch) {
                        n += flush(dst, insert, row, pending);
                    }
                }
                n += flush(dst, insert, row, pending);
            }
        }
        return n;
    }

    private static int flush(Connection dst, String insert, String row, List<Object[]> pending) throws SQLException {
        if (pending.isEmpty()) {
            return 0;
        }
        String sql = insert + String.join(", ", java.util.Collections.nCopies(pending.size(), row));
        try (PreparedStatement ps = dst.prepareStatement(sql)) {
            int i = 1;
            for (Object[] values : pending) {
                for (Object v : values) {
                    ps.setObject(i++, v);
                }
            }
            ps.executeUpdate();
        }
        int n = pending.size();
        pending.clear();
        return n;
    }

    /** Views may select from views: create what can be created until nothing more can. */
    private static int createViews(Connection c, SchemaObjects objects, String source, String target) throws SQLException {
        List<SchemaObjects.Ddl> left = new ArrayList<>(objects.views());
        int created = 0;
        SQLException last = null;
        while (!left.isEmpty()) {
            List<SchemaObjects.Ddl> failed = new ArrayList<>();
            for (SchemaObjects.Ddl v : left) {
                // SHOW CREATE VIEW qualifies every column with the source schema.
                String sql = stripDefiner(v.sql()).replace(q(source) + ".", q(target) + ".");
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    created++;
                } catch (SQLException e) {
                    failed.add(v);
                    last = e;
                }
            }
            if (failed.size() == left.size()) {
                throw DbPromoteException.external("Could not create view '" + failed.get(0).name() + "' in the clone: "
                        + (last == null ? "" : last.getMessage()), last);
            }
            left = failed;
        }
        return created;
    }

    private static void execute(Connection c, String sqlMode, String sql, String what) {
        try (Statement s = c.createStatement()) {
            if (sqlMode != null) {
                s.execute("SET SESSION sql_mode = '" + sqlMode.replace("'", "''") + "'");
            }
            s.execute(sql);
        } catch (SQLException e) {
            throw DbPromoteException.external("Could not create " + what + " in the clone: " + e.getMessage(), e);
        }
    }

    /** The clone's objects run as the user that made the clone: the source's definer may not exist there. */
    static String stripDefiner(String ddl) {
        return DEFINER.matcher(ddl).replaceFirst("");
    }

    private interface TableTask {
        void run(String table) throws Exception;
    }

    private void parallel(List<String> tables, TableTask task) {
        if (tables.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, tables.size()), r -> {
            Thread t = new Thread(r, "dbpromote-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String t : tables) {
                futures.add(pool.submit(() -> {
                    task.run(t);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DbPromoteException.external("Interrupted while copying tables", e);
        } finally {
            pool.shutdownNow();
        }
    }

    static String q(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
