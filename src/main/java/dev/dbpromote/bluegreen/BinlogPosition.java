package dev.dbpromote.bluegreen;

/**
 * A place in blue's binary log: where a consistent snapshot was taken, or blue's last write before the switchover.
 *
 * @param gtid the same place as a GTID set ({@code 0-1-42} on MariaDB, {@code uuid:1-42} on MySQL), or null when the
 *             server does not track GTIDs
 */
public record BinlogPosition(String file, long position, String gtid) {

    @Override
    public String toString() {
        return file + ":" + position + (gtid == null || gtid.isBlank() ? "" : " (GTID " + gtid + ")");
    }
}
