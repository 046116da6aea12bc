package dev.dbpromote.migrate;

import java.util.Map;
import java.util.function.Function;

/**
 * What reading the migrations needs besides the files: the environment for goose's
 * {@code ENVSUB ON}, and Flyway's placeholder values ({@code null}: Flyway-format files are not
 * placeholder-replaced, {@code migrations.placeholderReplacement: false}).
 */
public record ScanContext(Function<String, String> env, Map<String, String> placeholders) {

    public ScanContext {
        placeholders = placeholders == null ? null : Map.copyOf(placeholders);
    }

    /** The process environment, Flyway placeholder replacement with only Flyway's defaults that need no database. */
    public static ScanContext defaults() {
        return new ScanContext(System::getenv, Map.of());
    }
}
