package dev.dbpromote.bluegreen;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.config.GreenServer;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Passwords;
import java.time.Duration;
import java.util.function.Function;

/**
 * A self-managed blue/green environment as config describes it: blue (the database serving production now), green
 * (the server that will replicate from it), and the limits of the switchover.
 *
 * @param blue blue's database, with the user green replicates as (it needs {@code REPLICATION SLAVE}) and that sets
 *             blue read-only at the switchover
 * @param green green's server, same database name
 */
public record BlueGreenTarget(String env, ConnectionSpec blue, ConnectionSpec green, Duration switchoverTimeout,
        Duration keepBlueFor, Duration maxReplicaLag, Duration maxTransactionAge) {

    public static final Duration DEFAULT_SWITCHOVER_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_KEEP_BLUE_FOR = Duration.ofHours(24);
    public static final Duration DEFAULT_MAX_REPLICA_LAG = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_TRANSACTION_AGE = Duration.ofSeconds(60);

    public String database() {
        return blue.database();
    }

    /** Whether {@code env} uses a self-managed blue/green pair ({@code strategy: blue-green} with {@code green:}). */
    public static boolean selfManaged(Config config, String env) {
        DatabaseConfig db = config.environment(env).database();
        return db.isBlueGreen() && db.green() != null;
    }

    public static BlueGreenTarget of(Config config, String env, Function<String, String> environment) {
        DatabaseConfig db = config.environment(env).database();
        if (!db.isBlueGreen()) {
            throw DbPromoteException.invalid("Environment '" + env + "' uses strategy: " + db.strategy() + ", not blue-green."
                    + " Set environments." + env + ".database.strategy: blue-green (with green: {host: ...}) to promote it blue/green.");
        }
        if (db.green() == null) {
            throw DbPromoteException.invalid("Environment '" + env + "' is blue-green without a green: set environments." + env
                    + ".database.green: {host: ..., port: ...} for a self-managed server, or rds: {instance: ...} / aurora: {cluster: ...}"
                    + " for an RDS Blue/Green deployment (README: 'Production strategies: in place or blue/green').");
        }
        String host = db.host() != null ? db.host() : db.mysql().host();
        int port = db.port() != null ? db.port() : db.mysql() != null ? db.mysql().port() : 3306;
        String database = db.database() != null ? db.database() : config.source().database();
        String user = db.user() != null ? db.user() : config.source().user();
        if (user == null) {
            throw DbPromoteException.invalid("Environment '" + env + "' has no database 'user'. Set environments." + env + ".database.user.");
        }
        String where = "environments." + env + ".database";
        ConnectionSpec blue = new ConnectionSpec(host, port, database, user, Passwords.resolve(db, environment, config.baseDir(), where));
        GreenServer g = db.green();
        ConnectionSpec green = new ConnectionSpec(g.host(), g.port(), database, g.user() != null ? g.user() : user,
                Passwords.resolve(g, environment, config.baseDir(), where + ".green"));
        return new BlueGreenTarget(env, blue, green,
                duration(db.switchoverTimeout(), DEFAULT_SWITCHOVER_TIMEOUT), duration(db.keepBlueFor(), DEFAULT_KEEP_BLUE_FOR),
                duration(db.maxReplicaLag(), DEFAULT_MAX_REPLICA_LAG), duration(db.maxTransactionAge(), DEFAULT_MAX_TRANSACTION_AGE));
    }

    private static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : Durations.parse(text);
    }

    static String address(ConnectionSpec s) {
        return s.host() + ":" + s.port();
    }
}
