package dev.dbpromote.migrate;

import java.time.Instant;
import java.util.List;

/** {@code dbpromote migrate info}: every migration known to the files or the history, with its state. */
public record InfoResult(String database, MigrationFormat format, String currentVersion, List<Row> migrations) {

    /** @param state Flyway's state name: Success, Pending, Failed, Missing, Future, Ignored, … */
    public record Row(String version, String description, String script, String state, Integer checksum,
            Instant installedOn, String installedBy, Integer executionMillis) {
    }
}
