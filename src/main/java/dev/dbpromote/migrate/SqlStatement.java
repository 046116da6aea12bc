package dev.dbpromote.migrate;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * One statement of a migration file.
 *
 * @param index 1-based position in the file's statements
 * @param line 1-based line where the statement starts in the file
 */
public record SqlStatement(int index, int line, String sql) {

    /** A checksum of the statement text, to tell whether a partly applied file changed before the failure point. */
    public long checksum() {
        CRC32 crc = new CRC32();
        crc.update(sql.strip().getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** The first line, shortened, for messages. */
    public String summary() {
        String first = sql.strip().lines().findFirst().orElse("");
        return first.length() > 120 ? first.substring(0, 117) + "..." : first;
    }
}
