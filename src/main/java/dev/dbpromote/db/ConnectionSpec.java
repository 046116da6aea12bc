package dev.dbpromote.db;

import dev.dbpromote.core.Secret;

/**
 * How to reach one database. {@link #toString()} and {@link #describe()} never include the password.
 */
public record ConnectionSpec(String host, int port, String database, String user, Secret password) {

    /** {@code user@host:port/database}, safe for logs. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + (database == null ? "" : database);
    }

    public ConnectionSpec withDatabase(String db) {
        return new ConnectionSpec(host, port, db, user, password);
    }

    /** The JDBC URL, with no credentials in it (they go in connection properties). */
    public String jdbcUrl() {
        return "jdbc:mysql://" + host + ":" + port + "/" + (database == null ? "" : database)
                + "?connectTimeout=10000&allowPublicKeyRetrieval=true&sslMode=PREFERRED"
                + "&allowMultiQueries=false&useCursorFetch=false&permitMysqlScheme=true";
    }

    @Override
    public String toString() {
        return describe();
    }
}
