package dev.dbpromote.clone;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How to reach the clone. {@code credentialRef} points at the stored password; the password itself is
 * never part of a result.
 *
 * @param action {@code created}, {@code reused}, {@code replaced} or {@code planned} (dry run)
 */
public record CloneResult(String key, String provider, String id, String host, int port, String database,
        String user, String credentialRef, String action, Instant expiresAt, Duration duration,
        Map<String, String> tags) {
}
