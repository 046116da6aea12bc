package dev.dbpromote.migrate;

/** The tool a migrations folder was written for. */
public enum MigrationFormat {
    /** {@code V<version>__<description>.sql}, as Flyway names them. */
    FLYWAY,
    /** {@code <version>_<name>.sql} with {@code -- +goose Up} sections, as pressly/goose names them. */
    GOOSE
}
