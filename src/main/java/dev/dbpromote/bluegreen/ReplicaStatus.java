package dev.dbpromote.bluegreen;

/**
 * What {@code SHOW SLAVE STATUS} / {@code SHOW REPLICA STATUS} says about green's replication from blue.
 *
 * @param lagSeconds {@code Seconds_Behind_Master}; null while a replication thread is stopped
 * @param error the IO or SQL thread's last error, or null
 */
public record ReplicaStatus(boolean configured, String sourceHost, int sourcePort, boolean ioRunning, boolean sqlRunning,
        Long lagSeconds, String error, String executedFile, long executedPosition) {

    static final ReplicaStatus NONE = new ReplicaStatus(false, null, 0, false, false, null, null, null, 0);

    public boolean running() {
        return ioRunning && sqlRunning && error == null;
    }
}
