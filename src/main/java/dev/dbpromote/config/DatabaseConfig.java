package dev.dbpromote.config;

import java.util.List;
import java.util.Map;

/**
 * An environment's database.
 *
 * <p>{@code strategy: clone} (dev): a per-PR copy of the source, made by the provider the source's
 * kind selects, placed on {@code mysql} (MySQL-server provider; default: the source server), expiring
 * after {@code ttl} (at most {@code maxTtl}, default {@link #DEFAULT_MAX_TTL}); {@code mask} maps {@code table.column} to a rule ({@code null | hash | email | fixed:<v> |
 * sql:<expr>}), applied before the clone is handed out; {@code waitTimeout} bounds waits for RDS/Aurora
 * (default 60m). {@code strategy: in-place} (staging, production): an existing database, reached
 * at {@code host}/{@code port} or through {@code rds}/{@code aurora}. {@code strategy: blue-green} (production): the
 * database at {@code host} is blue; {@code green} is the server that replicates from it, is migrated and validated
 * while blue keeps serving, and takes over at the switchover (bounded by {@code switchoverTimeout}, default 5m, and
 * refused while replication lags more than {@code maxReplicaLag}, default 5s, or a transaction on blue is older than
 * {@code maxTransactionAge}, default 60s); blue is kept read-only for {@code keepBlueFor} (default 24h) as the
 * rollback point. On RDS/Aurora {@code greenParameterGroup} names green's parameter group ({@code read_only=0}).
 */
public record DatabaseConfig(
        String strategy,
        String ttl,
        String maxTtl,
        String instanceClass,
        String subnetGroup,
        List<String> securityGroups,
        String parameterGroup,
        Map<String, String> mask,
        SourceConfig.RdsSource rds,
        SourceConfig.AuroraSource aurora,
        MysqlServer mysql,
        String host,
        Integer port,
        String database,
        String user,
        String passwordEnv,
        String passwordFile,
        Boolean snapshotBefore,
        String waitTimeout,
        GreenServer green,
        String switchoverTimeout,
        String keepBlueFor,
        String maxReplicaLag,
        String maxTransactionAge,
        String greenParameterGroup) implements CredentialsConfig {

    /** The longest a clone may live unless {@code maxTtl} says otherwise: 30 days, Neon's limit for a branch's expiry. */
    public static final String DEFAULT_MAX_TTL = "30d";

    public DatabaseConfig {
        strategy = strategy == null ? "clone" : strategy;
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
        mask = mask == null ? Map.of() : Map.copyOf(mask);
        snapshotBefore = snapshotBefore != null && snapshotBefore;
    }

    public boolean isBlueGreen() {
        return "blue-green".equals(strategy);
    }

    public boolean isClone() {
        return "clone".equals(strategy);
    }
}
