package dev.dbpromote.env;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.EnvironmentConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Passwords;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which database a step works on: the environment record written by the clone step when there is one,
 * otherwise the environment's in-place database from config.
 */
public final class Targets {

    private final Config config;
    private final EnvironmentStore store;
    private final Function<String, String> environment;
    private final Function<String, ConnectionSpec> rdsGreen;

    /** Targets without RDS/Aurora blue/green: asking for an RDS green is refused (see {@code BlueGreenTargets}). */
    public Targets(Config config, Function<String, String> environment) {
        this(config, environment, envName -> {
            throw new IllegalStateException("no RDS blue/green lookup given for environment " + envName);
        });
    }

    /**
     * @param rdsGreen green's connection for an RDS/Aurora blue-green environment (by environment name), from the
     *                 deployment dbpromote created; given by the bluegreen package, which knows the RDS API
     */
    public Targets(Config config, Function<String, String> environment, Function<String, ConnectionSpec> rdsGreen) {
        this.config = config;
        this.store = new EnvironmentStore(config.stateDir());
        this.environment = environment;
        this.rdsGreen = rdsGreen;
    }

    public ConnectionSpec connection(String envName, String pr) {
        EnvironmentConfig env = config.environment(envName);
        if (env.database().isBlueGreen() && pr == null) {
            if (env.database().green() == null) {
                // RDS/Aurora: green's endpoint from the deployment dbpromote created; never the in-place database, since
                // blue-green promises blue is not migrated.
                return rdsGreen.apply(envName);
            }
            return green(envName, env.database());
        }
        // Only a record that knows a database counts: a gate's approval (env annotate) writes a record with
        // attributes only, and must not hide the in-place database configured for staging/production.
        Optional<EnvironmentRecord> record = store.find(EnvironmentRecord.key(envName, pr))
                .filter(r -> r.host() != null && r.credentialRef() != null);
        if (record.isPresent()) {
            EnvironmentRecord r = record.get();
            return new ConnectionSpec(r.host(), r.port(), r.database(), r.user(), store.readCredential(r.credentialRef()));
        }
        DatabaseConfig db = env.database();
        if (db.isClone()) {
            throw DbPromoteException.invalid("Environment '" + envName + "'" + (pr == null ? "" : " for PR " + pr)
                    + " has no database yet (strategy: clone, no record in " + store.recordFile(EnvironmentRecord.key(envName, pr))
                    + "). Run 'dbpromote clone --env " + envName + (pr == null ? "" : " --pr " + pr) + "' first.");
        }
        String host = db.host() != null ? db.host() : db.mysql() != null ? db.mysql().host() : null;
        if (host == null) {
            throw DbPromoteException.invalid("Environment '" + envName + "' has no 'host' for its database. Set"
                    + " environments." + envName + ".database.host (the RDS endpoint for an RDS instance).");
        }
        int port = db.port() != null ? db.port() : db.mysql() != null ? db.mysql().port() : 3306;
        String database = db.database() != null ? db.database() : config.source().database();
        String user = db.user() != null ? db.user() : config.source().user();
        if (user == null) {
            throw DbPromoteException.invalid("Environment '" + envName + "' has no database 'user'. Set environments."
                    + envName + ".database.user.");
        }
        return new ConnectionSpec(host, port, database, user,
                Passwords.resolve(db, environment, config.baseDir(), "environments." + envName + ".database"));
    }

    /**
     * A self-managed blue/green environment's steps (migrate, validate, deploy) work on green, from {@code bluegreen
     * create} on, and after the switchover green is production. The record {@code bluegreen create} writes says which.
     */
    private ConnectionSpec green(String envName, DatabaseConfig db) {
        String phase = store.find(envName).filter(r -> "mysql-blue-green".equals(r.provider()))
                .map(r -> r.attributes().getOrDefault("bluegreen.phase", "none")).orElse("none");
        if (!phase.equals("replicating") && !phase.equals("switched-over")) {
            throw DbPromoteException.invalid("Environment '" + envName + "' is blue-green and has no green yet" + (phase.equals("creating")
                    ? " (an earlier create stopped part-way; run 'dbpromote bluegreen delete --env " + envName + "' first)" : "")
                    + ". Run 'dbpromote bluegreen create --env " + envName + "' first; migrate and validate then work on green.");
        }
        var g = db.green();
        String database = db.database() != null ? db.database() : config.source().database();
        String user = g.user() != null ? g.user() : db.user() != null ? db.user() : config.source().user();
        String where = "environments." + envName + ".database";
        return new ConnectionSpec(g.host(), g.port(), database, user,
                Passwords.resolve(g, environment, config.baseDir(), where + ".green"));
    }

    public EnvironmentStore store() {
        return store;
    }
}
