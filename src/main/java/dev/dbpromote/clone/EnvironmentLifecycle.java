package dev.dbpromote.clone;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.EnvironmentConfig;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.env.Names;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code dbpromote env list|show|destroy|reap|annotate}: the environments' records and the clones behind
 * them. Deletes only what {@link Reaper#mayDelete} allows.
 */
public final class EnvironmentLifecycle {

    /** One line of {@code env list}. {@code origin}: record, tags (no record here) or record (resource gone). */
    public record Entry(String key, String env, String pr, String provider, String id, String status, String expiresAt,
            boolean expired, String origin) {
    }

    /** What destroy/reap did (or, with a dry run, would do). */
    public record Deletion(String key, String provider, String id, boolean dryRun) {
    }

    private final Config config;
    private final Function<String, DatabaseCloner> cloners;
    private final EnvironmentStore store;
    private final Progress progress;
    private final Clock clock;

    /** @param cloners the cloner for an environment name (see {@link Cloners#forEnvironment}); the caller closes none */
    public EnvironmentLifecycle(Config config, Function<String, DatabaseCloner> cloners, EnvironmentStore store, Progress progress,
            Clock clock) {
        this.config = config;
        this.cloners = cloners;
        this.store = store;
        this.progress = progress;
        this.clock = clock;
    }

    public List<Entry> list() {
        Instant now = clock.instant();
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, ClonedDatabase> resources = managedResources();
        for (EnvironmentRecord r : store.list()) {
            ClonedDatabase live = resources.remove(r.resourceId());
            // In-place and blue/green databases are not clones: their record is all there is (blue/green: its phase).
            boolean notClone = "in-place".equals(r.provider()) || "mysql-blue-green".equals(r.provider());
            String status = live != null ? live.status() : "in-place".equals(r.provider()) ? "in-place"
                    : notClone ? r.attributes().getOrDefault("bluegreen.phase", "none") : "not found";
            entries.put(r.key(), new Entry(r.key(), r.env(), r.pr(), r.provider(), r.resourceId(), status,
                    r.expiresAt() == null ? null : r.expiresAt().toString(),
                    r.expiresAt() != null && r.expiresAt().isBefore(now), live != null || notClone ? "record" : "record (resource gone)"));
        }
        for (ClonedDatabase c : resources.values()) {
            String key = EnvironmentRecord.key(c.env(), c.pr());
            entries.putIfAbsent(key + (entries.containsKey(key) ? "#" + c.id() : ""), new Entry(key, c.env(), c.pr(), c.provider(),
                    c.id(), c.status(), c.tags().get(ManagedTags.EXPIRES_AT), c.expired(now), "tags"));
        }
        return new ArrayList<>(entries.values());
    }

    /** The record, or one rebuilt from the clone's tags (and saved) when this agent has none. */
    public EnvironmentRecord show(String env, String pr) {
        config.environment(env);
        String key = EnvironmentRecord.key(env, pr);
        Optional<EnvironmentRecord> record = store.find(key);
        if (record.isPresent()) {
            return record.get();
        }
        ClonedDatabase clone = findClone(env, pr).orElseThrow(() -> DbPromoteException.invalid("No environment '" + key
                + "': no record in " + store.recordFile(key) + " and no managed clone named '" + name(env, pr) + "'. Run 'dbpromote clone --env "
                + env + (pr == null ? "" : " --pr " + pr) + "' to create it."));
        String credentialRef = Files.isRegularFile(store.credentialFile(key)) ? "file:credentials/" + key + ".secret" : null;
        EnvironmentRecord rebuilt = new EnvironmentRecord(key, clone.tags().get(ManagedTags.APP), env, pr, clone.provider(), clone.id(),
                clone.host(), clone.port(), clone.database(), clone.user(), credentialRef, null, parse(clone.tags().get(ManagedTags.EXPIRES_AT)),
                clone.tags(), Map.of("rebuiltFrom", "tags"));
        store.save(rebuilt);
        progress.line("rebuilt %s from the tags of %s%s", store.recordFile(key), clone.id(),
                credentialRef == null ? "; no credential on this agent: re-run 'dbpromote clone' to set a new password" : "");
        return rebuilt;
    }

    /**
     * Deletes the environment's clone (or the resource {@code id}, which must belong to an environment and be
     * managed) and its record.
     */
    public Deletion destroy(String env, String pr, String id, boolean dryRun) {
        EnvironmentConfig envConfig = config.environment(env);
        String key = EnvironmentRecord.key(env, pr);
        if (envConfig.isProtected()) {
            throw DbPromoteException.invalid("Environment '" + env + "' is protected in " + config.file()
                    + "; dbpromote never deletes anything in it.");
        }
        if (!envConfig.database().isClone()) {
            throw DbPromoteException.invalid("Environment '" + env + "' uses strategy: " + envConfig.database().strategy()
                    + "; 'env destroy' only deletes clones (strategy: clone). Nothing was changed.");
        }
        DatabaseCloner cloner = cloners.apply(env);
        Optional<ClonedDatabase> clone = id != null ? cloner.find(id) : findClone(env, pr);
        if (clone.isEmpty()) {
            if (id != null) {
                throw DbPromoteException.invalid("No database '" + id + "' found by the " + cloner.provider() + " provider. Check the id"
                        + " ('dbpromote env list' shows the managed ones).");
            }
            progress.line("no clone for %s (already deleted); removing the record if any", key);
            if (!dryRun) {
                store.delete(key);
            }
            return new Deletion(key, cloner.provider(), null, dryRun);
        }
        ClonedDatabase c = clone.get();
        if (!c.managed()) {
            throw DbPromoteException.invalid("Refusing to delete '" + c.id() + "': it has no " + ManagedTags.MANAGED_BY + "="
                    + ManagedTags.MANAGED_BY_VALUE + " tag, so dbpromote did not create it. Delete it yourself if you are sure.");
        }
        if (!config.app().equals(c.app())) {
            throw DbPromoteException.invalid("Refusing to delete '" + c.id() + "': it belongs to app '" + c.app() + "' ("
                    + ManagedTags.APP + " tag), not '" + config.app() + "' of " + config.file() + ". Run 'dbpromote env destroy'"
                    + " with that app's dbpromote.yaml. Nothing was changed.");
        }
        if (!Reaper.mayDelete(c, config.app(), protectedEnvs(), sourceNames())) {
            throw DbPromoteException.invalid("Refusing to delete '" + c.id() + "': it is the source or belongs to a protected"
                    + " environment (" + c.env() + ").");
        }
        if (id != null && (!env.equals(c.env()))) {
            throw DbPromoteException.invalid("'" + id + "' belongs to environment '" + c.env() + "', not '" + env + "'. Pass --env "
                    + c.env() + ".");
        }
        String recordKey = id != null ? EnvironmentRecord.key(c.env(), c.pr()) : key;
        if (dryRun) {
            progress.line("dry run: would delete %s %s and the record %s", c.provider(), c.id(), recordKey);
        } else {
            cloner.delete(c, progress);
            store.delete(recordKey);
        }
        return new Deletion(recordKey, c.provider(), c.id(), dryRun);
    }

    /**
     * Deletes every expired managed clone of this app ({@code dbpromote:app} = the config's app) in every unprotected
     * environment, with its record. Other apps' clones are never considered: run reap from each app's repository.
     */
    public List<Deletion> reap(boolean dryRun) {
        Instant now = clock.instant();
        List<Deletion> done = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Map.Entry<String, EnvironmentConfig> e : config.environments().entrySet()) {
            if (e.getValue().isProtected() || !e.getValue().database().isClone()) {
                continue;
            }
            DatabaseCloner cloner = cloners.apply(e.getKey());
            for (ClonedDatabase c : Reaper.reapable(cloner.list(), config.app(), protectedEnvs(), sourceNames(), now)) {
                if (!seen.add(c.provider() + ":" + c.id())) {
                    continue;
                }
                String key = EnvironmentRecord.key(c.env(), c.pr());
                if (dryRun) {
                    progress.line("dry run: would delete %s %s (%s, expired %s)", c.provider(), c.id(), key,
                            c.tags().get(ManagedTags.EXPIRES_AT));
                } else {
                    progress.line("deleting %s %s (%s, expired %s)", c.provider(), c.id(), key, c.tags().get(ManagedTags.EXPIRES_AT));
                    cloner.delete(c, progress);
                    store.find(key).filter(r -> c.id().equals(r.resourceId())).ifPresent(r -> store.delete(key));
                }
                done.add(new Deletion(key, c.provider(), c.id(), dryRun));
            }
        }
        if (done.isEmpty()) {
            progress.line("nothing to reap: no expired managed clone");
        }
        return done;
    }

    /** Adds {@code key=value} attributes to the environment's record (creating an in-place record if needed). */
    public EnvironmentRecord annotate(String env, String pr, Map<String, String> attributes) {
        config.environment(env);
        String key = EnvironmentRecord.key(env, pr);
        EnvironmentRecord record = store.find(key).orElseGet(() -> new EnvironmentRecord(key, config.app(), env, pr, "in-place",
                null, null, 0, null, null, null, clock.instant(), null, Map.of(), Map.of()));
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            record = record.withAttribute(a.getKey(), a.getValue());
        }
        store.save(record);
        return record;
    }

    private Optional<ClonedDatabase> findClone(String env, String pr) {
        DatabaseCloner cloner = cloners.apply(env);
        return cloner.find(name(env, pr, cloner.provider()));
    }

    private String name(String env, String pr) {
        return Names.of(config.app(), env, pr).rdsIdentifier();
    }

    private String name(String env, String pr, String provider) {
        Names n = Names.of(config.app(), env, pr);
        return "mysql".equals(provider) ? n.schema() : n.rdsIdentifier();
    }

    private Map<String, ClonedDatabase> managedResources() {
        Map<String, ClonedDatabase> out = new LinkedHashMap<>();
        for (Map.Entry<String, EnvironmentConfig> e : config.environments().entrySet()) {
            if (!e.getValue().database().isClone()) {
                continue;
            }
            for (ClonedDatabase c : cloners.apply(e.getKey()).list()) {
                if (c.managed()) {
                    out.putIfAbsent(c.id(), c);
                }
            }
        }
        return out;
    }

    private Set<String> protectedEnvs() {
        return config.environments().entrySet().stream().filter(e -> e.getValue().isProtected()).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private Set<String> sourceNames() {
        SourceConfig s = config.source();
        Set<String> names = new java.util.HashSet<>();
        names.add(s.database());
        if (s.rds() != null) {
            names.add(s.rds().instance());
        }
        if (s.aurora() != null) {
            names.add(s.aurora().cluster());
        }
        if (s.mysql() != null) {
            names.add(s.mysql().host() + ":" + s.mysql().port() + "/" + s.database());
        }
        return names;
    }

    private static Instant parse(String v) {
        try {
            return v == null ? null : Instant.parse(v);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
