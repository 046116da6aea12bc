package dev.dbpromote.clone;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Which clones {@code env reap} may delete: managed by dbpromote, expired, not in a protected environment,
 * not the source. Everything else is left alone, whatever its name looks like.
 */
public final class Reaper {

    private Reaper() {
    }

    /**
     * @param protectedEnvs environments marked {@code protected: true} in config
     * @param sourceNames identifiers/schema names of source databases
     */
    public static List<ClonedDatabase> reapable(List<ClonedDatabase> resources, Set<String> protectedEnvs, Set<String> sourceNames,
            Instant now) {
        return resources.stream().filter(r -> mayDelete(r, protectedEnvs, sourceNames) && r.expired(now)).toList();
    }

    /** The check every deletion (destroy and reap) passes. */
    public static boolean mayDelete(ClonedDatabase r, Set<String> protectedEnvs, Set<String> sourceNames) {
        return r.managed() && r.env() != null && !protectedEnvs.contains(r.env()) && !sourceNames.contains(r.name())
                && !sourceNames.contains(r.id());
    }
}
