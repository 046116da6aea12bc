package dev.dbpromote.clone;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.CredentialsConfig;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.MysqlServer;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Passwords;
import java.util.function.Function;

/** Picks and builds the {@link DatabaseCloner} the config's {@code source} asks for. */
public final class Cloners {

    private Cloners() {
    }

    /**
     * @param environment process environment (passwords, AWS_REGION, the emulator's endpoint in tests)
     */
    public static DatabaseCloner forEnvironment(Config config, String envName, Function<String, String> environment,
            Progress progress) {
        DatabaseConfig db = config.environment(envName).database();
        SourceConfig source = config.source();
        return switch (source.kind()) {
            case MYSQL -> mysql(config, source, db, environment);
            case RDS, AURORA -> dev.dbpromote.clone.aws.AwsCloners.forConfig(config, db, environment, progress);
        };
    }

    private static DatabaseCloner mysql(Config config, SourceConfig source, DatabaseConfig db, Function<String, String> environment) {
        ConnectionSpec from = spec(source.mysql(), source.database(), source, environment, config, "source");
        MysqlServer targetServer = db.mysql() != null ? db.mysql() : source.mysql();
        CredentialsConfig targetCredentials = db.user() != null ? db : source;
        ConnectionSpec to = spec(targetServer, null, targetCredentials, environment, config,
                db.user() != null ? "environment database" : "source");
        return new MysqlServerCloner(from, to, 4);
    }

    static ConnectionSpec spec(MysqlServer server, String database, CredentialsConfig c, Function<String, String> environment,
            Config config, String where) {
        if (c.user() == null) {
            throw DbPromoteException.invalid("No database user for the " + where + " server. Set 'user' under "
                    + ("source".equals(where) ? "source" : "environments.<env>.database") + " in dbpromote.yaml.");
        }
        return new ConnectionSpec(server.host(), server.port(), database, c.user(),
                Passwords.resolve(c, environment, config.baseDir(), where));
    }
}
