package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The green server of a self-managed blue/green environment ({@code database.green}): a MySQL/MariaDB server of
 * its own that replicates from blue until the switchover. Its user needs the privileges to create the schema, set up
 * replication ({@code REPLICATION SLAVE ADMIN} / {@code SUPER}) and {@code read_only}.
 */
public record GreenServer(@JsonProperty(required = true) String host, Integer port, String user, String passwordEnv,
        String passwordFile) implements CredentialsConfig {

    public GreenServer {
        port = port == null ? 3306 : port;
    }
}
