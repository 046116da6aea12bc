package dev.dbpromote.clone;

import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.core.Progress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The library call for callers without a {@code dbpromote.yaml} (the demo): clone a schema into a per-PR
 * schema on the same MySQL server and write the environment record.
 *
 * <pre>{@code
 * CloneResult r = SchemaClones.cloneOnServer(server.root("orders"), "orders", "dev", "42",
 *         Duration.ofHours(72), Map.of("customers.email", "email"), stateDir, Progress.to(System.err));
 * // r.host(), r.port(), r.database(), r.user(); password: new EnvironmentStore(stateDir).readCredential(r.credentialRef())
 * }</pre>
 */
public final class SchemaClones {

    private SchemaClones() {
    }

    /**
     * @param admin a user on the server that can read the source and create schemas and users; its
     *        {@code database} is the source schema
     * @param stateDir the {@code .dbpromote/} folder the record and credential go into
     */
    public static CloneResult cloneOnServer(ConnectionSpec admin, String app, String env, String pr, Duration ttl,
            Map<String, String> mask, Path stateDir, Progress progress) {
        try (DatabaseCloner cloner = new MysqlServerCloner(admin, admin, Runtime.getRuntime().availableProcessors() * 2)) {
            return new CloneDatabase(cloner, new EnvironmentStore(stateDir), progress, Clock.systemUTC())
                    .run(new CloneRequest(app, env, pr, ttl, null, false, false, mask));
        }
    }
}
