package dev.dbpromote.migrate;

import java.nio.file.Path;
import java.util.List;

/**
 * The migrations of a repository, all of one format.
 *
 * @param files versioned migrations, in version order
 * @param repeatables Flyway repeatable migrations ({@code R__*.sql}), by description as Flyway orders them;
 *     their {@link MigrationFile#version()} is null
 * @param callbacks Flyway SQL callback scripts ({@code beforeMigrate.sql}, {@code afterEachMigrate__x.sql}, …); Flyway
 *     itself runs them during migrate
 */
public record MigrationSet(MigrationFormat format, List<MigrationFile> files, List<MigrationFile> repeatables, List<Path> callbacks) {

    public MigrationSet {
        files = List.copyOf(files);
        repeatables = repeatables == null ? List.of() : List.copyOf(repeatables);
        callbacks = callbacks == null ? List.of() : List.copyOf(callbacks);
    }

    public MigrationSet(MigrationFormat format, List<MigrationFile> files) {
        this(format, files, List.of(), List.of());
    }

    public MigrationFile byVersion(String version) {
        return files.stream().filter(f -> f.version().equals(version)).findFirst().orElse(null);
    }

    public MigrationFile repeatable(String script) {
        return repeatables.stream().filter(f -> f.script().equals(script)).findFirst().orElse(null);
    }
}
