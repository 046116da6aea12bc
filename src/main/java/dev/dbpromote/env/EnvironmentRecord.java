package dev.dbpromote.env;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Map;

/**
 * What the clone step learned about an environment's database, for the steps after it (which may run
 * on another agent). Holds a reference to the credential, never the credential itself.
 *
 * @param key {@code dev-pr-42} or {@code staging}: the file name under {@code .dbpromote/env/}
 * @param provider {@code rds}, {@code aurora}, {@code mysql} or {@code in-place}
 * @param resourceId the RDS instance / Aurora cluster id, or {@code host:port/schema}
 * @param credentialRef {@code file:credentials/dev-pr-42.secret} or {@code secretsmanager:<arn>}
 * @param attributes step-specific facts (image digest, approver, timings) keyed by step
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentRecord(
        String key,
        String app,
        String env,
        String pr,
        String provider,
        String resourceId,
        String host,
        int port,
        String database,
        String user,
        String credentialRef,
        Instant createdAt,
        Instant expiresAt,
        Map<String, String> tags,
        Map<String, String> attributes) {

    public EnvironmentRecord {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** {@code dev-pr-42} for a PR's environment, {@code staging} for a fixed one. */
    public static String key(String env, String pr) {
        return pr == null || pr.isBlank() ? env : env + "-pr-" + pr;
    }

    public EnvironmentRecord withAttribute(String name, String value) {
        var copy = new java.util.TreeMap<>(attributes);
        copy.put(name, value);
        return new EnvironmentRecord(key, app, env, pr, provider, resourceId, host, port, database, user,
                credentialRef, createdAt, expiresAt, tags, copy);
    }
}
