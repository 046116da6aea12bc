package dev.dbpromote.config;

import java.util.List;
import java.util.Map;

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
 * @param placeholders Flyway placeholders: {@code ${name}} in Flyway-format SQL is replaced by the value (Flyway's
 *     {@code placeholders}); Flyway's own {@code ${flyway:…}} ones are always there
 * @param placeholderReplacement false to leave {@code ${…}} in Flyway-format SQL as it is (Flyway's setting, default true)
 */
public record MigrationsConfig(List<String> locations, String format, String table, List<String> allow, String lintFrom,
        String baselineVersion, Map<String, String> placeholders, Boolean placeholderReplacement) {

    public static final MigrationsConfig DEFAULT = new MigrationsConfig(null, null, null, null, null, null, null, null);

    public MigrationsConfig {
        locations = locations == null || locations.isEmpty() ? List.of("db/migrations") : List.copyOf(locations);
        format = format == null ? "auto" : format;
        table = table == null ? "flyway_schema_history" : table;
        allow = allow == null ? List.of() : List.copyOf(allow);
        placeholders = placeholders == null ? Map.of() : Map.copyOf(placeholders);
        placeholderReplacement = placeholderReplacement == null || placeholderReplacement;
    }
}
