package dev.dbpromote.clone;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Which clones {@code env reap} may delete: managed by dbpromote, of this app ({@code dbpromote:app}), expired,
 * not in a protected environment, not the source. Everything else is left alone, whatever its name looks like:
 * another app's clones share the account and region but their protected environments and lifetimes are that
 * app's config, not ours.
 */
public final class Reaper {

    private Reaper() {
    }

    /**
     * @param app the config's {@code app}: only resources tagged {@code dbpromote:app=<app>} are considered
     * @param protectedEnvs environments marked {@code protected: true} in config
     * @param sourceNames identifiers/schema names of source databases
     */
    public static List<ClonedDatabase> reapable(List<ClonedDatabase> resources, String app, Set<String> protectedEnvs,
            Set<String> sourceNames, Instant now) {
        return resources.stream().filter(r -> mayDelete(r, app, protectedEnvs, sourceNames) && r.expired(now)).toList();
    }

    /** The check every deletion (destroy and reap) passes. */
    public static boolean mayDelete(ClonedDatabase r, String app, Set<String> protectedEnvs, Set<String> sourceNames) {
        return r.managed() && app != null && app.equals(r.app()) && r.env() != null && !protectedEnvs.contains(r.env())
                && !sourceNames.contains(r.name()) && !sourceNames.contains(r.id());
    }
}
