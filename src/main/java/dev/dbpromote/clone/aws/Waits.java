package dev.dbpromote.clone.aws;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Waits for a resource state with capped exponential backoff (like workflow-basic-steps' {@code waitUntil}:
 * start short, grow by half each time, cap), printing the current state and elapsed time on each poll.
 */
public record Waits(Duration timeout, Duration initial, Duration cap) {

    public static Waits defaults() {
        return new Waits(Duration.ofMinutes(60), Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /**
     * Polls {@code state} until it is in {@code done}.
     *
     * @param failed states that will never reach {@code done}
     * @param onTimeout what to tell the user when the time is up (what was left behind, how to remove it)
     */
    public String until(String what, Supplier<String> state, Set<String> done, Set<String> failed, String onTimeout, Progress progress) {
        long start = System.nanoTime();
        Duration delay = initial;
        String last = null;
        while (true) {
            last = state.get();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            progress.line("%s: %s (%s elapsed)", what, last, format(elapsed));
            if (done.contains(last)) {
                return last;
            }
            if (failed.contains(last)) {
                throw DbPromoteException.external(what + " ended in state '" + last + "'. " + onTimeout);
            }
            if (elapsed.plus(delay).compareTo(timeout) > 0) {
                throw DbPromoteException.external(what + " did not finish within " + format(timeout) + " (last state '" + last
                        + "'). " + onTimeout);
            }
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DbPromoteException.external("Interrupted while waiting for " + what, e);
            }
            long next = Math.min(cap.toMillis(), Math.max(delay.toMillis() + 1, delay.toMillis() * 3 / 2));
            delay = Duration.ofMillis(next);
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() / 100 / 10.0 + "s";
        }
        return s / 60 + "m" + String.format("%02d", s % 60) + "s";
    }
}
