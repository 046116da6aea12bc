package dev.dbpromote.migrate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.resolver.MigrationResolver;
import org.flywaydb.core.api.resolver.ResolvedMigration;
import org.flywaydb.core.internal.resolver.ResolvedMigrationImpl;

/**
 * Hands Flyway our parsed migrations (Flyway versioned and repeatable, or goose files) so Flyway keeps the history table,
 * ordering, checksum validation, {@code target} and info, while {@link StatementExecutor} runs them.
 * Flyway files are recorded as type SQL with Flyway's own checksum, so a history written by the Flyway
 * CLI validates unchanged.
 */
final class SetResolver implements MigrationResolver {

    private final MigrationSet set;
    private final Function<MigrationFile, StatementExecutor> executors;

    SetResolver(MigrationSet set, Function<MigrationFile, StatementExecutor> executors) {
        this.set = set;
        this.executors = executors;
    }

    @Override
    public Collection<ResolvedMigration> resolveMigrations(Context context) {
        List<ResolvedMigration> out = new ArrayList<>();
        for (MigrationFile f : set.files()) {
            out.add(new ResolvedMigrationImpl(MigrationVersion.fromVersion(f.version()), f.description(), f.script(),
                    f.checksum(), null, f.format() == MigrationFormat.FLYWAY ? CoreMigrationType.SQL : CoreMigrationType.CUSTOM,
                    f.path().toString(), executors.apply(f)));
        }
        // Repeatable: no version; Flyway applies them after the versioned ones, again whenever the checksum changes,
        // and records them as its own SQL resolver does (version NULL, type SQL, script R__x.sql).
        for (MigrationFile f : set.repeatables()) {
            out.add(new ResolvedMigrationImpl(null, f.description(), f.script(), f.checksum(), null, CoreMigrationType.SQL,
                    f.path().toString(), executors.apply(f)));
        }
        return out;
    }
}
