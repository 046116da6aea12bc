package dev.dbpromote.config;

import java.util.List;

/**
 * Where the migrations are and which tool's format they use.
 *
 * @param locations folders, relative to the config file
 * @param format {@code auto} (detect), {@code flyway} or {@code goose}
 * @param table the history table dbpromote keeps (Flyway's)
 * @param allow lint rule ids allowed for every file (a per-file {@code -- dbpromote:allow} is preferred)
 * @param baselineVersion for a database that already has the schema but no history: versions up to this one are
 *     recorded as applied without running (Flyway's baseline)
 * @param lintFrom lint only versions after this one (for adopting a repository whose old migrations predate lint)
 */
public record MigrationsConfig(List<String> locations, String format, String table, List<String> allow, String lintFrom,
        String baselineVersion) {

    public static final MigrationsConfig DEFAULT = new MigrationsConfig(null, null, null, null, null, null);

    public MigrationsConfig {
        locations = locations == null || locations.isEmpty() ? List.of("db/migrations") : List.copyOf(locations);
        format = format == null ? "auto" : format;
        table = table == null ? "flyway_schema_history" : table;
        allow = allow == null ? List.of() : List.copyOf(allow);
    }
}
