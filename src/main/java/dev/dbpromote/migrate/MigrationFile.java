package dev.dbpromote.migrate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One migration, parsed.
 *
 * @param version Flyway-style version ({@code 1.2}, or goose's {@code 20240101120000}); null for a Flyway repeatable migration
 * @param script the file name relative to its location, as recorded in the history table
 * @param statements the statements to apply (goose: the Up section only)
 * @param transactional run in one transaction (MySQL still commits each DDL statement implicitly);
 *     false for goose's {@code NO TRANSACTION}
 * @param checksum Flyway-compatible CRC32 of the file
 * @param allowed lint rules allowed in this file ({@code -- dbpromote:allow <rule> <reason>}) with their reasons
 */
public record MigrationFile(
        String version,
        String description,
        String script,
        Path path,
        MigrationFormat format,
        List<SqlStatement> statements,
        boolean transactional,
        int checksum,
        Map<String, String> allowed) {

    public MigrationFile {
        statements = List.copyOf(statements);
        allowed = Map.copyOf(allowed);
    }

    /** A Flyway repeatable migration ({@code R__x.sql}): no version, re-applied when its checksum changes. */
    public boolean repeatable() {
        return version == null;
    }

    /** The version, or for a repeatable migration its script: what our bookkeeping keys it by. */
    public String key() {
        return version != null ? version : script;
    }

    /** {@code V2__add_index.sql} style label for messages. */
    public String label() {
        return script;
    }
}
