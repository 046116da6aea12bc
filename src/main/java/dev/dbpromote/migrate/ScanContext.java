package dev.dbpromote.migrate;

import java.util.Map;
import java.util.function.Function;

/**
 * What reading the migrations needs besides the files: the environment for goose's
 * {@code ENVSUB ON}, and Flyway's placeholder values ({@code null}: Flyway-format files are not
 * placeholder-replaced, {@code migrations.placeholderReplacement: false}).
 *
 * @param requireEnv an unset ENVSUB variable is an error (migrate); false leaves the reference as written, for
 *     reading the files without running them (lint, the validate step's list of touched tables)
 */
public record ScanContext(Function<String, String> env, Map<String, String> placeholders, boolean requireEnv) {

    public ScanContext {
        placeholders = placeholders == null ? null : Map.copyOf(placeholders);
    }

    public ScanContext(Function<String, String> env, Map<String, String> placeholders) {
        this(env, placeholders, true);
    }

    /** The process environment, Flyway placeholder replacement with only Flyway's defaults that need no database. */
    public static ScanContext defaults() {
        return new ScanContext(System::getenv, Map.of());
    }
}
