package dev.dbpromote.bluegreen;

import dev.dbpromote.clone.SchemaCopier;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.validate.SourceComparison;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Blue/green on self-managed MySQL/MariaDB servers: green is built from one consistent snapshot of blue and replicates
 * from that snapshot's binlog position (real MySQL replication), is migrated and validated while blue keeps taking
 * writes, and takes over at the switchover: blue read-only, green applies everything up to blue's last write,
 * replication stops, green becomes writable, and the environment record points every later step (deploy's DB Secret)
 * at green. Blue is kept, read-only, as the rollback point for {@code keepBlueFor}.
 *
 * <p>What this knows between steps is in the environment's record ({@code .dbpromote/env/<env>.json}, provider
 * {@value #PROVIDER}); green's own {@code SHOW SLAVE STATUS} is the truth about replication.
 *
 * <pre>{@code
 * var bg = new SelfManagedBlueGreen(BlueGreenTarget.of(config, "production", System::getenv), store, progress, Clock.systemUTC());
 * bg.create(false); ... bg.switchover(false);
 * }</pre>
 */
public final class SelfManagedBlueGreen implements BlueGreen {

    public static final String PROVIDER = "mysql-blue-green";
    static final String PHASE = "bluegreen.phase";

    private final BlueGreenTarget t;
    private final EnvironmentStore store;
    private final Progress progress;
    private final Clock clock;

    public SelfManagedBlueGreen(BlueGreenTarget target, EnvironmentStore store, Progress progress, Clock clock) {
        this.t = target;
        this.store = store;
        this.progress = progress;
        this.clock = clock;
    }

    /** The blue/green phase recorded for {@code env}: {@code none}, {@code creating}, {@code replicating} or {@code switched-over}. */
    public static String phase(EnvironmentStore store, String env) {
        return store.find(env).filter(r -> PROVIDER.equals(r.provider()))
                .map(r -> r.attributes().getOrDefault(PHASE, "none")).orElse("none");
    }

    // ---------------------------------------------------------------------------------------------------- create

    public BlueGreenResult create(boolean dryRun) {
        long started = System.nanoTime();
        Optional<EnvironmentRecord> rec = record();
        String phase = rec.map(r -> r.attributes().getOrDefault(PHASE, "none")).orElse("none");
        if (phase.equals("creating")) {
            throw DbPromoteException.invalid("An earlier 'bluegreen create' for '" + t.env() + "' stopped part-way (green "
                    + rec.get().attributes().get("bluegreen.green") + " holds a partial copy). Run 'dbpromote bluegreen delete --env "
                    + t.env() + "', then create again.");
        }
        if (phase.equals("replicating")) {
            String recordedGreen = rec.get().attributes().get("bluegreen.green");
            if (!BlueGreenTarget.address(t.green()).equals(recordedGreen)) {
                throw DbPromoteException.invalid("A blue/green promotion of '" + t.env() + "' is already in progress with green "
                        + recordedGreen + ", but config names green " + BlueGreenTarget.address(t.green()) + ". Never two at once:"
                        + " finish it (bluegreen switchover) or discard it (bluegreen delete) first.");
            }
            ReplicaStatus st = greenStatus();
            progress.line("Reusing the blue/green promotion in progress: green %s replicates from blue %s (%s)",
                    recordedGreen, BlueGreenTarget.address(t.blue()), describe(st));
            if (!st.running()) {
                return result("create", "refused", "replicating", null, null, st.lagSeconds(), null, null, rec.get(),
                        List.of("replication from blue is not running on green: " + describe(st)),
                        "Green exists but does not replicate. Run 'dbpromote bluegreen delete --env " + t.env()
                                + "' and create it again.", started);
            }
            return result("create", "reused", "replicating", position(rec.get()), null, st.lagSeconds(), null, null, rec.get(),
                    List.of(), "Green " + recordedGreen + " already replicates from blue; reused.", started);
        }
        if (phase.equals("switched-over") && BlueGreenTarget.address(t.blue()).equals(rec.get().attributes().get("bluegreen.blue"))) {
            throw DbPromoteException.invalid("'" + t.env() + "' was switched over to green " + rec.get().attributes().get("bluegreen.green")
                    + " at " + rec.get().attributes().get("bluegreen.switchedAt") + "; production runs there now, and the configured blue "
                    + BlueGreenTarget.address(t.blue()) + " is the read-only rollback point. Before the next blue/green promotion swap"
                    + " 'host'/'port' and 'green' in dbpromote.yaml (green becomes blue), then run bluegreen create.");
        }
        preflight();
        if (dryRun) {
            progress.line("Would copy %s from blue %s to green %s in one consistent snapshot and start replication from its binlog position",
                    t.database(), BlueGreenTarget.address(t.blue()), BlueGreenTarget.address(t.green()));
            return result("create", "planned", phase, null, null, null, null, null, rec.orElse(null), List.of(),
                    "Would create green " + BlueGreenTarget.address(t.green()) + " replicating from blue " + BlueGreenTarget.address(t.blue()) + ".",
                    started);
        }
        // Mark green as ours before the first byte lands on it, so a failed copy can be deleted by 'bluegreen delete'.
        EnvironmentRecord creating = save(rec.orElse(null), Map.of(PHASE, "creating", "bluegreen.blue", BlueGreenTarget.address(t.blue()),
                "bluegreen.green", BlueGreenTarget.address(t.green()), "bluegreen.createdAt", clock.instant().toString()));
        BinlogPosition[] snapshot = new BinlogPosition[1];
        progress.line("Copying %s from blue %s to green %s in one consistent snapshot", t.database(),
                BlueGreenTarget.address(t.blue()), BlueGreenTarget.address(t.green()));
        SchemaCopier.Stats stats = new SchemaCopier(1, progress).copyAcrossServers(t.blue(), t.database(), t.green().withDatabase(null),
                t.database(), src -> snapshot[0] = Replication.on(src).startSnapshot());
        progress.line("Snapshot taken at blue's binlog position %s", snapshot[0]);
        try (Connection g = Jdbc.open(t.green().withDatabase(null))) {
            Replication green = Replication.on(g);
            green.startReplicaOf(t.blue(), t.database(), snapshot[0]);
            ReplicaStatus st = awaitRunning(green, Duration.ofSeconds(30));
            progress.line("Green replicates from blue: %s", describe(st));
        } catch (SQLException e) {
            throw Jdbc.translate(t.green(), e);
        }
        EnvironmentRecord done = save(creating, Map.of(PHASE, "replicating", "bluegreen.snapshotFile", snapshot[0].file(),
                "bluegreen.snapshotPosition", String.valueOf(snapshot[0].position()),
                "bluegreen.snapshotGtid", snapshot[0].gtid() == null ? "" : snapshot[0].gtid()));
        return result("create", "created", "replicating", snapshot[0], null, null, stats.rows(), null, done, List.of(),
                "Green " + BlueGreenTarget.address(t.green()) + " replicates from blue " + BlueGreenTarget.address(t.blue()) + " from "
                        + snapshot[0] + ". Migrate and validate it with --env " + t.env() + ".", started);
    }

    /** Everything that would stop replication from working, checked before anything is created. */
    private void preflight() {
        List<String> problems = new ArrayList<>();
        try (Connection b = Jdbc.open(t.blue().withDatabase(null)); Connection g = Jdbc.open(t.green().withDatabase(null))) {
            Replication blue = Replication.on(b);
            Replication green = Replication.on(g);
            if (!"1".equals(blue.variable("log_bin")) && !"ON".equalsIgnoreCase(blue.variable("log_bin"))) {
                problems.add("blue " + BlueGreenTarget.address(t.blue()) + " has binary logging off; green replicates from the binary log."
                        + " Start blue with log-bin (and server-id, binlog_format=ROW) — this needs a restart, so plan it ahead");
            } else if (!"ROW".equalsIgnoreCase(blue.variable("binlog_format"))) {
                problems.add("blue's binlog_format is " + blue.variable("binlog_format") + "; green's schema differs from blue's after"
                        + " the migrations, which only row-based replication tolerates. SET GLOBAL binlog_format = 'ROW' on blue"
                        + " (and in its config file)");
            }
            if (blue.variable("server_id").equals(green.variable("server_id"))) {
                problems.add("blue and green have the same server_id (" + blue.variable("server_id") + "); a replica ignores events"
                        + " with its own id. Give green another server-id");
            }
            ReplicaStatus gs = green.status();
            if (gs.configured()) {
                problems.add("green " + BlueGreenTarget.address(t.green()) + " already replicates from " + gs.sourceHost() + ":" + gs.sourcePort()
                        + " and dbpromote did not set that up; it is left alone. Use a server that is not a replica");
            }
            if (schemaExists(g, t.database())) {
                problems.add("green " + BlueGreenTarget.address(t.green()) + " already has a database '" + t.database() + "' that"
                        + " dbpromote did not create; it is left alone. Drop it yourself if it is a leftover, or use another green");
            }
            if (!schemaExists(b, t.database())) {
                problems.add("blue " + BlueGreenTarget.address(t.blue()) + " has no database '" + t.database() + "'");
            }
        } catch (SQLException e) {
            throw DbPromoteException.external("Checking blue and green failed: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid("Cannot create green for '" + t.env() + "'; nothing was changed:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    private ReplicaStatus awaitRunning(Replication green, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ReplicaStatus st = green.status();
        while (!(st.ioRunning() && st.sqlRunning()) && st.error() == null && System.nanoTime() < deadline) {
            sleep(100);
            st = green.status();
        }
        if (!st.running()) {
            throw DbPromoteException.external("Green " + BlueGreenTarget.address(t.green()) + " did not start replicating from blue: "
                    + describe(st) + ". Check that green reaches blue at " + BlueGreenTarget.address(t.blue()) + " and that '"
                    + t.blue().user() + "' has REPLICATION SLAVE; then run 'dbpromote bluegreen delete' and create again.");
        }
        return st;
    }

    // ---------------------------------------------------------------------------------------------------- status

    public BlueGreenResult status() {
        long started = System.nanoTime();
        Optional<EnvironmentRecord> rec = record();
        String phase = rec.map(r -> r.attributes().getOrDefault(PHASE, "none")).orElse("none");
        if (!phase.equals("replicating")) {
            return result("status", "status", phase, rec.map(SelfManagedBlueGreen::position).orElse(null), null, null, null,
                    rec.map(r -> r.attributes().get("bluegreen.writesRefusedMillis")).filter(s -> !s.isEmpty()).map(Long::valueOf).orElse(null),
                    rec.orElse(null), List.of(), phase.equals("none") ? "No blue/green promotion of '" + t.env() + "' in progress." : "Phase: " + phase + ".",
                    started);
        }
        ReplicaStatus st = greenStatus();
        return result("status", "status", phase, position(rec.get()), null, st.lagSeconds(), null, null, rec.get(),
                st.running() ? List.of() : List.of(describe(st)), "Green " + describe(st) + ".", started);
    }

    // ---------------------------------------------------------------------------------------------------- switchover

    public BlueGreenResult switchover(boolean dryRun) {
        long started = System.nanoTime();
        Optional<EnvironmentRecord> rec = record();
        String phase = rec.map(r -> r.attributes().getOrDefault(PHASE, "none")).orElse("none");
        if (phase.equals("switched-over")) {
            return result("switchover", "already-switched-over", phase, position(rec.get()), null, null, null, null, rec.get(), List.of(),
                    "'" + t.env() + "' was already switched over to green at " + rec.get().attributes().get("bluegreen.switchedAt") + ".", started);
        }
        if (!phase.equals("replicating")) {
            throw DbPromoteException.invalid("'" + t.env() + "' has no green to switch over to (phase: " + phase + "). Run 'dbpromote"
                    + " bluegreen create --env " + t.env() + "' and migrate and validate green first.");
        }
        try (Connection b = Jdbc.open(t.blue().withDatabase(null)); Connection g = Jdbc.open(t.green().withDatabase(null))) {
            Replication blue = Replication.on(b);
            Replication green = Replication.on(g);
            ReplicaStatus st = green.status();
            List<String> problems = guardrails(b, st);
            if (!problems.isEmpty()) {
                progress.line("Switchover refused; nothing was changed:");
                problems.forEach(p -> progress.line("  - %s", p));
                return result("switchover", "refused", phase, position(rec.get()), null, st.lagSeconds(), null, null, rec.get(), problems,
                        "Switchover refused; blue still serves and green still replicates. Fix the above and run it again.", started);
            }
            if (dryRun) {
                return result("switchover", "planned", phase, position(rec.get()), null, st.lagSeconds(), null, null, rec.get(), List.of(),
                        "Would set blue read-only, wait until green has applied blue's last write (at most "
                                + dev.dbpromote.config.Durations.format(t.switchoverTimeout()) + "), stop replication and make green writable.",
                        started);
            }
            String blueReadOnlyBefore = blue.variable("read_only");
            long refusedFrom = System.nanoTime();
            progress.line("Setting blue %s read-only (writes are refused from now until green takes them)", BlueGreenTarget.address(t.blue()));
            blue.setReadOnly(true, t.switchoverTimeout());
            BinlogPosition last = blue.binlogPosition();
            progress.line("Blue's last write is at %s; waiting for green to apply it", last);
            Duration left = t.switchoverTimeout().minusNanos(System.nanoTime() - refusedFrom);
            if (!green.waitApplied(last, left.isNegative() ? Duration.ofSeconds(1) : left)) {
                boolean restore = !"1".equals(blueReadOnlyBefore) && !"ON".equalsIgnoreCase(blueReadOnlyBefore);
                if (restore) {
                    blue.setReadOnly(false, Duration.ofSeconds(10));
                }
                ReplicaStatus now = green.status();
                throw DbPromoteException.external("Switchover of '" + t.env() + "' timed out after "
                        + dev.dbpromote.config.Durations.format(t.switchoverTimeout()) + ": green had not applied blue's last write "
                        + last + " (green: " + describe(now) + "). Rolled back: blue is " + (restore ? "writable again" : "as it was")
                        + ", green still replicates, the application was not moved. Run the switchover again when green's lag is"
                        + " low, or raise switchoverTimeout.");
            }
            green.forgetSource();
            green.setReadOnly(false, Duration.ofSeconds(10));
            long refusedMillis = (System.nanoTime() - refusedFrom) / 1_000_000;
            Instant now = clock.instant();
            Instant keepUntil = now.plus(t.keepBlueFor());
            progress.line("Green %s is production now (writes refused for %d ms); blue %s stays read-only until %s as the rollback point",
                    BlueGreenTarget.address(t.green()), refusedMillis, BlueGreenTarget.address(t.blue()), keepUntil);
            EnvironmentRecord done = save(rec.get(), Map.of(PHASE, "switched-over", "bluegreen.switchedAt", now.toString(),
                    "bluegreen.keepBlueUntil", keepUntil.toString(), "bluegreen.finalFile", last.file(),
                    "bluegreen.finalPosition", String.valueOf(last.position()), "bluegreen.writesRefusedMillis", String.valueOf(refusedMillis)));
            return result("switchover", "switched-over", "switched-over", position(done), last, 0L, null, refusedMillis, done, List.of(),
                    "Switched over: green " + BlueGreenTarget.address(t.green()) + " serves '" + t.env() + "'. Deploy the service now"
                            + " (dbpromote deploy --env " + t.env() + ") so its DB Secret points at green.", started);
        } catch (SQLException e) {
            throw DbPromoteException.external("Switchover of '" + t.env() + "' failed: " + e.getMessage() + ". Check 'dbpromote bluegreen"
                    + " status --env " + t.env() + "' and blue's read_only before retrying.", e);
        }
    }

    /** Replication healthy and caught up, no long transaction on blue (setting read_only would wait for it). */
    private List<String> guardrails(Connection blue, ReplicaStatus st) throws SQLException {
        List<String> problems = new ArrayList<>();
        if (!st.configured()) {
            problems.add("green " + BlueGreenTarget.address(t.green()) + " does not replicate from blue any more; run bluegreen delete and create");
            return problems;
        }
        if (!st.running()) {
            problems.add("replication from blue is broken on green: " + describe(st) + ". A migration on green that is not"
                    + " replication-compatible (lint: bluegreen-incompatible) is the usual cause");
        } else if (st.lagSeconds() != null && st.lagSeconds() > t.maxReplicaLag().toSeconds()) {
            problems.add("green is " + st.lagSeconds() + " s behind blue, more than maxReplicaLag ("
                    + dev.dbpromote.config.Durations.format(t.maxReplicaLag()) + "); blue would refuse writes until green caught up."
                    + " Wait and retry");
        }
        try (Statement s = blue.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) FROM information_schema.innodb_trx"
                        + " WHERE trx_started < NOW() - INTERVAL " + t.maxTransactionAge().toSeconds() + " SECOND"
                        + " AND trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started")) {
            while (rs.next()) {
                problems.add("a transaction on blue (connection " + rs.getLong(1) + ") has been open for " + rs.getLong(2)
                        + " s, more than maxTransactionAge (" + dev.dbpromote.config.Durations.format(t.maxTransactionAge())
                        + "); setting blue read-only would wait for it. Let it finish (or KILL " + rs.getLong(1) + ") and retry");
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------------- delete

    /** Discards green before the switchover: replication stopped, the database dbpromote copied dropped. Never touches blue. */
    public BlueGreenResult delete(boolean dryRun) {
        long started = System.nanoTime();
        Optional<EnvironmentRecord> rec = record();
        String phase = rec.map(r -> r.attributes().getOrDefault(PHASE, "none")).orElse("none");
        if (phase.equals("none")) {
            return result("delete", "nothing-to-delete", "none", null, null, null, null, null, rec.orElse(null), List.of(),
                    "No green for '" + t.env() + "'; nothing deleted.", started);
        }
        if (phase.equals("switched-over")) {
            throw DbPromoteException.invalid("'" + t.env() + "' was switched over to green " + rec.get().attributes().get("bluegreen.green")
                    + "; green is production now and is never deleted. Blue " + rec.get().attributes().get("bluegreen.blue")
                    + " is kept read-only as the rollback point (README: 'Production strategies: in place or blue/green').");
        }
        String recordedGreen = rec.get().attributes().get("bluegreen.green");
        if (!BlueGreenTarget.address(t.green()).equals(recordedGreen)) {
            throw DbPromoteException.invalid("The green dbpromote created for '" + t.env() + "' is " + recordedGreen + ", but config names "
                    + BlueGreenTarget.address(t.green()) + "; nothing deleted. Restore the config's green to delete it.");
        }
        if (dryRun) {
            return result("delete", "planned", phase, position(rec.get()), null, null, null, null, rec.get(), List.of(),
                    "Would stop replication on green " + recordedGreen + " and drop its database '" + t.database() + "'; blue untouched.",
                    started);
        }
        try (Connection g = Jdbc.open(t.green().withDatabase(null))) {
            Replication green = Replication.on(g);
            ReplicaStatus st = green.status();
            if (st.configured() && st.sourcePort() == t.blue().port() && t.blue().host().equals(st.sourceHost())) {
                green.forgetSource();
            }
            try (Statement s = g.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + Replication.ident(t.database()));
            }
        } catch (SQLException e) {
            throw Jdbc.translate(t.green(), e);
        }
        progress.line("Deleted green: replication stopped on %s, database '%s' dropped there; blue %s untouched", recordedGreen,
                t.database(), BlueGreenTarget.address(t.blue()));
        clear(rec.get());
        return result("delete", "deleted", "none", null, null, null, null, null, null, List.of(),
                "Green " + recordedGreen + " deleted; blue " + BlueGreenTarget.address(t.blue()) + " untouched.", started);
    }

    // ---------------------------------------------------------------------------------------------------- compare

    /**
     * Green and blue held at one instant of blue's history while blue keeps taking writes: green's applier pauses, a
     * consistent snapshot of blue records its binlog position, and green applies exactly up to that position and stops
     * there. Until {@link Frozen#close()}, every new connection to green and {@link Frozen#blue()} see the same data, so
     * tables the migrations did not touch must match. Closing resumes green's applier.
     */
    public Frozen freeze() {
        Connection b = null;
        Connection g = null;
        try {
            b = Jdbc.open(t.blue());
            g = Jdbc.open(t.green().withDatabase(null));
            Replication green = Replication.on(g);
            green.stopApplier();
            BinlogPosition at = Replication.on(b).startSnapshot();
            green.applyUntil(at);
            if (!green.pollApplied(at, t.switchoverTimeout())) {
                ReplicaStatus st = green.status();
                green.startApplier();
                throw DbPromoteException.external("Green did not catch up with blue's " + at + " within "
                        + dev.dbpromote.config.Durations.format(t.switchoverTimeout()) + " (" + describe(st)
                        + "); cannot compare. Check 'dbpromote bluegreen status --env " + t.env() + "'.");
            }
            progress.line("Green and blue held at blue's binlog position %s for the comparison (blue keeps taking writes)", at);
            return new Frozen(b, g, at);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(b);
            closeQuietly(g);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw DbPromoteException.external("Holding green and blue at one position failed: " + e.getMessage(), e);
        }
    }

    /** Blue's snapshot connection and green paused at the same binlog position; close to let green apply again. */
    public static final class Frozen implements AutoCloseable {
        private final Connection blue;
        private final Connection green;
        private final BinlogPosition at;

        private Frozen(Connection blue, Connection green, BinlogPosition at) {
            this.blue = blue;
            this.green = green;
            this.at = at;
        }

        /** Blue inside the snapshot (do not commit it); the caller may close it, {@link #close()} does too. */
        public Connection blue() {
            return blue;
        }

        public BinlogPosition position() {
            return at;
        }

        @Override
        public void close() {
            try {
                Replication.on(green).startApplier();
            } catch (SQLException e) {
                throw DbPromoteException.external("Green's replication did not resume after the comparison: " + e.getMessage()
                        + ". Run START SLAVE on green.", e);
            } finally {
                closeQuietly(blue);
                closeQuietly(green);
            }
        }
    }

    /** Compares green with blue at one position of blue's binlog ({@link #freeze()}). */
    public SourceComparison.Result compareWithBlue(Set<String> touched, int sampleKeys, long chunkKeys) {
        try (Frozen f = freeze(); Connection gr = Jdbc.open(t.green())) {
            return new SourceComparison(f.blue(), t.database(), gr, t.database(), touched, sampleKeys, chunkKeys, progress)
                    .compare("blue " + t.blue().describe() + " at " + f.position());
        } catch (SQLException e) {
            throw DbPromoteException.external("Comparing green with blue failed: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing only ends the snapshot; nothing to do
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private ReplicaStatus greenStatus() {
        try (Connection g = Jdbc.open(t.green().withDatabase(null))) {
            return Replication.on(g).status();
        } catch (SQLException e) {
            throw Jdbc.translate(t.green(), e);
        }
    }

    static String describe(ReplicaStatus st) {
        if (!st.configured()) {
            return "not replicating";
        }
        if (st.error() != null) {
            return "replication error: " + st.error();
        }
        return "IO " + (st.ioRunning() ? "running" : "stopped") + ", SQL " + (st.sqlRunning() ? "running" : "stopped")
                + (st.lagSeconds() == null ? "" : ", " + st.lagSeconds() + " s behind") + ", applied up to "
                + st.executedFile() + ":" + st.executedPosition();
    }

    private Optional<EnvironmentRecord> record() {
        return store.find(t.env()).filter(r -> PROVIDER.equals(r.provider()));
    }

    private static BinlogPosition position(EnvironmentRecord r) {
        String file = r.attributes().get("bluegreen.snapshotFile");
        return file == null ? null : new BinlogPosition(file, Long.parseLong(r.attributes().get("bluegreen.snapshotPosition")),
                r.attributes().get("bluegreen.snapshotGtid"));
    }

    /** Writes the environment record: green is where the environment's steps go; other steps' attributes are kept. */
    private EnvironmentRecord save(EnvironmentRecord previous, Map<String, String> attributes) {
        EnvironmentRecord base = previous != null ? previous : store.find(t.env()).orElse(null);
        Map<String, String> attrs = new TreeMap<>(base == null ? Map.of() : base.attributes());
        attrs.putAll(attributes);
        EnvironmentRecord r = new EnvironmentRecord(t.env(), base == null ? null : base.app(), t.env(), null, PROVIDER,
                BlueGreenTarget.address(t.blue()) + " -> " + BlueGreenTarget.address(t.green()), t.green().host(), t.green().port(),
                t.database(), t.green().user(), null, base != null && base.createdAt() != null ? base.createdAt() : clock.instant(), null,
                base == null ? Map.of() : base.tags(), attrs);
        store.save(r);
        return r;
    }

    private void clear(EnvironmentRecord r) {
        Map<String, String> attrs = new TreeMap<>(r.attributes());
        attrs.keySet().removeIf(k -> k.startsWith("bluegreen."));
        if (attrs.isEmpty()) {
            store.delete(r.key());
            return;
        }
        store.save(new EnvironmentRecord(r.key(), r.app(), r.env(), r.pr(), null, null, null, 0, null, null, null, r.createdAt(), null,
                r.tags(), attrs));
    }

    private BlueGreenResult result(String action, String outcome, String phase, BinlogPosition snapshot, BinlogPosition last,
            Long lag, Long rows, Long refused, EnvironmentRecord r, List<String> problems, String message, long started) {
        Instant switchedAt = r == null ? null : parse(r.attributes().get("bluegreen.switchedAt"));
        Instant keep = r == null ? null : parse(r.attributes().get("bluegreen.keepBlueUntil"));
        return new BlueGreenResult(t.env(), action, outcome, phase, BlueGreenTarget.address(t.blue()), BlueGreenTarget.address(t.green()),
                t.database(), snapshot, last, lag, rows, refused, switchedAt, keep, problems, message,
                (System.nanoTime() - started) / 1_000_000, null);
    }

    private static Instant parse(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }

    private static boolean schemaExists(Connection c, String name) throws SQLException {
        try (var ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DbPromoteException.external("Interrupted while waiting for green", e);
        }
    }
}
