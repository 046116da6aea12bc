package dev.dbpromote.demo;

import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The application during a promotion: one insert after another into production, as the service would, with every
 * write accounted for. A write production refuses (read-only during the switchover) is retried, after asking
 * {@code production} again where production is (as a pod gets the new DB Secret), until it succeeds, so a write is
 * never dropped; the time from the first refusal to the next accepted write is the write pause the users saw.
 *
 * <pre>{@code
 * try (SteadyWriter w = SteadyWriter.start(() -> whereProductionIs(), INSERT, Duration.ofMillis(5))) { ... }
 * }</pre>
 */
public final class SteadyWriter implements AutoCloseable {

    /** What the writer saw. {@code uncertain}: writes whose commit outcome was unknown (connection lost mid-write). */
    public record Stats(long written, Map<String, Long> writtenTo, Map<String, Long> lastSeqOn, long refused, long errors,
            long uncertain, int pauses, long longestPauseMillis, long totalPauseMillis) {
    }

    private final Supplier<ConnectionSpec> production;
    private final String insert;
    private final long intervalNanos;
    private final int parameters;
    private final Thread thread;
    private volatile boolean running = true;

    private long written;
    private final Map<String, Long> writtenTo = new TreeMap<>();
    private final Map<String, Long> lastSeqOn = new TreeMap<>();
    private long refused;
    private long errors;
    private long uncertain;
    private int pauses;
    private long longestPause;
    private long totalPause;

    private SteadyWriter(Supplier<ConnectionSpec> production, String insert, Duration interval) {
        this.production = production;
        this.insert = insert;
        this.intervalNanos = interval.toNanos();
        this.parameters = (int) insert.chars().filter(ch -> ch == '?').count();
        this.thread = new Thread(this::loop, "steady-writer");
        this.thread.setDaemon(true);
    }

    /**
     * @param insert one INSERT whose every {@code ?} is bound to the write's sequence number (1, 2, ...): the rows of
     *               writes 1..n are then found by that number on any server
     */
    public static SteadyWriter start(Supplier<ConnectionSpec> production, String insert, Duration interval) {
        SteadyWriter w = new SteadyWriter(production, insert, interval);
        w.thread.start();
        return w;
    }

    private void loop() {
        ConnectionSpec where = production.get();
        Connection c = null;
        long seq = 0;
        long pauseStart = 0;
        while (running) {
            seq++;
            while (true) {
                try {
                    if (c == null) {
                        c = Jdbc.open(where);
                    }
                    try (PreparedStatement ps = c.prepareStatement(insert)) {
                        for (int i = 1; i <= parameters; i++) {
                            ps.setLong(i, seq);
                        }
                        ps.executeUpdate();
                    }
                    synchronized (this) {
                        written++;
                        String at = where.host() + ":" + where.port();
                        writtenTo.merge(at, 1L, Long::sum);
                        lastSeqOn.merge(at, seq, Math::max);
                        if (pauseStart != 0) {
                            long pause = (System.nanoTime() - pauseStart) / 1_000_000;
                            pauses++;
                            totalPause += pause;
                            longestPause = Math.max(longestPause, pause);
                            pauseStart = 0;
                        }
                    }
                    break;
                } catch (SQLException | RuntimeException e) {
                    boolean readOnly = e instanceof SQLException s && (s.getErrorCode() == 1290 || s.getErrorCode() == 1836);
                    synchronized (this) {
                        if (readOnly) {
                            refused++;
                        } else {
                            errors++;
                            // A lost connection during the INSERT: the row may or may not be there.
                            if (e instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                                uncertain++;
                            }
                        }
                    }
                    if (pauseStart == 0) {
                        pauseStart = System.nanoTime();
                    }
                    // A read-only refusal leaves the connection usable: keep it unless production moved.
                    ConnectionSpec now = production.get();
                    if (!readOnly || !now.equals(where)) {
                        close(c);
                        c = null;
                    }
                    where = now;
                    if (!running && !readOnly) {
                        break;
                    }
                    sleepNanos(readOnly ? 1_000_000 : 20_000_000);
                }
            }
            sleepNanos(intervalNanos);
        }
        close(c);
    }

    public synchronized Stats stats() {
        return new Stats(written, Map.copyOf(writtenTo), Map.copyOf(lastSeqOn), refused, errors, uncertain, pauses, longestPause, totalPause);
    }

    /** Stops after the write in progress has been accepted. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // gone already
            }
        }
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
