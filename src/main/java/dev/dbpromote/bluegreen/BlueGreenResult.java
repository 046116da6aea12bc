package dev.dbpromote.bluegreen;

import java.time.Instant;
import java.util.List;

/**
 * What a {@code bluegreen} step did.
 *
 * @param outcome {@code planned} (dry run), {@code created}, {@code reused}, {@code switched-over},
 *                {@code already-switched-over}, {@code refused} (a guardrail stopped it; nothing changed),
 *                {@code deleted}, {@code nothing-to-delete} or {@code status}
 * @param phase the environment's blue/green phase after the step: {@code none}, {@code creating},
 *              {@code replicating} or {@code switched-over}
 * @param problems why a guardrail refused, one line each
 * @param writesRefusedMillis how long blue refused writes before green took them (switchover only)
 * @param deployment the RDS Blue/Green deployment's identifier ({@code bgd-...}); null for a self-managed pair
 */
public record BlueGreenResult(String env, String action, String outcome, String phase, String blue, String green,
        String database, BinlogPosition snapshot, BinlogPosition finalPosition, Long lagSeconds, Long copiedRows,
        Long writesRefusedMillis, Instant switchedAt, Instant keepBlueUntil, List<String> problems, String message,
        long millis, String deployment) {

    public BlueGreenResult {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** A guardrail stopped the step (exit 1). */
    public boolean refused() {
        return "refused".equals(outcome);
    }
}
