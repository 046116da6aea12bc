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
 * at {@code host}/{@code port} or through {@code rds}/{@code aurora}.
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
        String waitTimeout) implements CredentialsConfig {

    /** The longest a clone may live unless {@code maxTtl} says otherwise: 30 days, Neon's limit for a branch's expiry. */
    public static final String DEFAULT_MAX_TTL = "30d";

    public DatabaseConfig {
        strategy = strategy == null ? "clone" : strategy;
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
        mask = mask == null ? Map.of() : Map.copyOf(mask);
        snapshotBefore = snapshotBefore != null && snapshotBefore;
    }

    public boolean isClone() {
        return "clone".equals(strategy);
    }
}
