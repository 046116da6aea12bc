package dev.dbpromote.db;

/**
 * A MySQL-protocol server this process runs and reaches as root over loopback: the embedded MariaDB of
 * {@code dbpromote demo}, or a test's own MySQL 8.
 */
public interface DatabaseServer {

    String host();

    int port();

    /** Root on this server: all privileges ({@code database} may be null). */
    ConnectionSpec root(String database);
}
