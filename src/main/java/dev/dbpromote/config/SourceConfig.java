package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The production database every clone starts from. Exactly one of {@code rds}, {@code aurora},
 * {@code mysql} names where it lives.
 */
public record SourceConfig(
        RdsSource rds,
        AuroraSource aurora,
        MysqlServer mysql,
        @JsonProperty(required = true) String database,
        String user,
        String passwordEnv,
        String passwordFile) implements CredentialsConfig {

    /** An RDS MySQL DB instance; clones restore its snapshots. */
    public record RdsSource(
            @JsonProperty(required = true) String instance,
            String region,
            String snapshot,
            String restoreTime,
            String endpoint) {
    }

    /** An Aurora MySQL DB cluster; clones are copy-on-write. */
    public record AuroraSource(
            @JsonProperty(required = true) String cluster,
            String region,
            String endpoint) {
    }

    public enum Kind { RDS, AURORA, MYSQL }

    public Kind kind() {
        return rds != null ? Kind.RDS : aurora != null ? Kind.AURORA : Kind.MYSQL;
    }
}
