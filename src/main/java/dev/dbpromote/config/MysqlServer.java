package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A MySQL/MariaDB server reached directly. */
public record MysqlServer(@JsonProperty(required = true) String host, Integer port) {

    public MysqlServer {
        port = port == null ? 3306 : port;
    }
}
