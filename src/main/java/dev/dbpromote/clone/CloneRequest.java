package dev.dbpromote.clone;

import java.time.Duration;
import java.util.Map;

/**
 * One {@code dbpromote clone} run.
 *
 * @param pr PR number (or branch name); null for a fixed environment
 * @param ttl how long the clone lives (expires-at tag); null: no expiry
 * @param createdBy the build URL ({@code BUILD_URL}) or null
 * @param fresh replace an existing clone instead of reusing it
 * @param mask {@code table.column -> rule} (see {@link MaskRule})
 */
public record CloneRequest(String app, String env, String pr, Duration ttl, String createdBy, boolean fresh,
        boolean dryRun, Map<String, String> mask) {

    public CloneRequest {
        mask = mask == null ? Map.of() : Map.copyOf(mask);
    }
}
