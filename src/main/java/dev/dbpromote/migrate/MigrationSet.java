package dev.dbpromote.migrate;

import java.util.List;

/** The migrations of a repository, in version order, all of one format. */
public record MigrationSet(MigrationFormat format, List<MigrationFile> files) {

    public MigrationSet {
        files = List.copyOf(files);
    }

    public MigrationFile byVersion(String version) {
        return files.stream().filter(f -> f.version().equals(version)).findFirst().orElse(null);
    }
}
