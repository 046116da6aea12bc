package dev.dbpromote.clone.aws;

import dev.dbpromote.clone.DatabaseCloner;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.Progress;
import java.time.Duration;
import java.util.function.Function;

/** Builds the RDS or Aurora cloner for a config. */
public final class AwsCloners {

    private AwsCloners() {
    }

    public static DatabaseCloner forConfig(Config config, DatabaseConfig db, Function<String, String> environment, Progress progress) {
        SourceConfig s = config.source();
        Waits waits = waits(db, environment);
        if (s.kind() == SourceConfig.Kind.RDS) {
            return new RdsSnapshotCloner(AwsClientFactory.rds(s.rds().region(), s.rds().endpoint(), environment), s.rds(), db,
                    s.database(), waits);
        }
        return new AuroraCloner(AwsClientFactory.rds(s.aurora().region(), s.aurora().endpoint(), environment), s.aurora(), db,
                s.database(), waits);
    }

    /** {@code database.waitTimeout} (default 60m); first poll after {@code DBPROMOTE_POLL_INITIAL} (default 5s). */
    public static Waits waits(DatabaseConfig db, Function<String, String> environment) {
        Waits d = Waits.defaults();
        Duration timeout = db != null && db.waitTimeout() != null ? Durations.parse(db.waitTimeout()) : d.timeout();
        String initial = environment.apply("DBPROMOTE_POLL_INITIAL");
        Duration first = initial != null ? Duration.ofMillis(Long.parseLong(initial)) : d.initial();
        return new Waits(timeout, first, first.multipliedBy(12).compareTo(d.cap()) < 0 ? first.multipliedBy(12) : d.cap());
    }
}
