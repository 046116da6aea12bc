package dev.dbpromote.validate;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Passwords;
import java.util.function.Function;

/** How {@code validate.compare: source} reaches the source database, from {@code source} in dbpromote.yaml. */
public final class SourceConnection {

    private SourceConnection() {
    }

    /**
     * {@code source.mysql} host/port; for RDS and Aurora sources {@code source.rds.endpoint} /
     * {@code source.aurora.endpoint} ({@code host} or {@code host:port}). The password comes from
     * {@code source.passwordEnv} / {@code passwordFile}.
     */
    public static ConnectionSpec of(Config config, Function<String, String> environment) {
        SourceConfig s = config.source();
        String host;
        int port = 3306;
        String endpoint = switch (s.kind()) {
            case RDS -> s.rds().endpoint();
            case AURORA -> s.aurora().endpoint();
            case MYSQL -> null;
        };
        if (s.kind() == SourceConfig.Kind.MYSQL) {
            host = s.mysql().host();
            port = s.mysql().port();
        } else if (endpoint == null || endpoint.isBlank()) {
            String key = s.kind() == SourceConfig.Kind.RDS ? "source.rds.endpoint" : "source.aurora.endpoint";
            throw DbPromoteException.invalid("validate.compare: source needs to reach the source database, but " + key
                    + " is not set. Set it to the " + (s.kind() == SourceConfig.Kind.RDS ? "instance" : "cluster reader")
                    + " endpoint (host or host:port), or set validate.compare: none.");
        } else {
            int colon = endpoint.lastIndexOf(':');
            host = colon < 0 ? endpoint : endpoint.substring(0, colon);
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(endpoint.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw DbPromoteException.invalid("Source endpoint '" + endpoint + "' has no valid port after ':'. Write host or host:port.");
                }
            }
        }
        if (s.user() == null) {
            throw DbPromoteException.invalid("validate.compare: source needs source.user (a read-only user is enough).");
        }
        return new ConnectionSpec(host, port, s.database(), s.user(), Passwords.resolve(s, environment, config.baseDir(), "source"));
    }
}
