package dev.dbpromote.clone;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.env.Names;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code dbpromote clone}: gives an environment (usually a PR's) its own copy of the source database.
 *
 * <ol>
 * <li>takes the provider's lock for the clone's name, so concurrent runs for one PR make one clone;</li>
 * <li>reuses a finished clone (or, with {@code fresh}, or when it is half-made, replaces it); a cloud clone that is
 * not ready but whose {@link #LEASE_UNTIL lease} has not passed belongs to a run still making it and is waited for;</li>
 * <li>creates it, tagged from the first call, and waits until it is available;</li>
 * <li>sets a freshly generated password for the clone's user, applies the masking rules, and only then
 * marks it ready, stores the credential (0600 file, never printed) and writes the environment record.</li>
 * </ol>
 * A clone whose masking failed is deleted, never handed out.
 *
 * <pre>{@code
 * try (DatabaseCloner cloner = new MysqlServerCloner(sourceSpec, sourceSpec, 4)) {
 *     CloneResult r = new CloneDatabase(cloner, new EnvironmentStore(stateDir), progress, Clock.systemUTC())
 *             .run(new CloneRequest("orders", "dev", "42", Duration.ofHours(72), null, false, false, Map.of()));
 * }
 * }</pre>
 */
public final class CloneDatabase {

    /**
     * Tag on a clone being made: the instant until which its run may still be creating or masking it. A clone
     * that is not ready is only replaced once this has passed (or it failed); before that, other runs wait for it.
     */
    public static final String LEASE_UNTIL = "dbpromote:lease-until";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final DatabaseCloner cloner;
    private final EnvironmentStore store;
    private final Progress progress;
    private final Clock clock;

    public CloneDatabase(DatabaseCloner cloner, EnvironmentStore store, Progress progress, Clock clock) {
        this.cloner = cloner;
        this.store = store;
        this.progress = progress;
        this.clock = clock;
    }

    public CloneResult run(CloneRequest request) {
        Instant started = clock.instant();
        String key = EnvironmentRecord.key(request.env(), request.pr());
        Names names = Names.of(request.app(), request.env(), request.pr());
        String name = "mysql".equals(cloner.provider()) ? names.schema() : names.rdsIdentifier();
        Instant expiresAt = request.ttl() == null ? null : started.plus(request.ttl());
        Map<String, String> tags = new java.util.LinkedHashMap<>(ManagedTags.of(request.app(), request.env(), request.pr(), expiresAt,
                request.createdBy()));
        if (!cloner.exclusiveLock()) {
            tags.put(LEASE_UNTIL, started.plus(cloner.lease()).toString());
        }
        for (Map.Entry<String, String> m : request.mask().entrySet()) {
            MaskRule.check(m.getKey(), m.getValue()).ifPresent(problem -> {
                throw DbPromoteException.invalid(problem + ". Fix database.mask in dbpromote.yaml.");
            });
        }
        if (request.dryRun()) {
            Optional<ClonedDatabase> existing = cloner.find(name);
            String action = existing.isEmpty() ? "create" : existing.get().managed() && !existing.get().ready() && leased(existing.get())
                    ? "wait-for-other-run" : request.fresh() ? "replace" : existing.get().ready() ? "reuse" : "replace";
            progress.line("dry run: would %s %s clone %s (tags %s), mask %d column(s), write %s", action, cloner.provider(), name,
                    tags, request.mask().size(), store.recordFile(key));
            return new CloneResult(key, cloner.provider(), name, null, 0, null, null, null, "planned:" + action, expiresAt,
                    Duration.ZERO, tags);
        }
        try (AutoCloseable lock = cloner.lock(name, progress)) {
            return cloneLocked(request, key, name, tags, expiresAt, started);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw DbPromoteException.external("Releasing the clone lock failed: " + e.getMessage(), e);
        }
    }

    private CloneResult cloneLocked(CloneRequest request, String key, String name, Map<String, String> tags, Instant expiresAt,
            Instant started) {
        Optional<ClonedDatabase> existing = cloner.find(name);
        String action = "created";
        if (existing.isPresent()) {
            ClonedDatabase e = existing.get();
            if (!e.managed()) {
                throw DbPromoteException.invalid("'" + name + "' already exists and is not managed by dbpromote (no "
                        + ManagedTags.MANAGED_BY + " tag). It is not touched; rename it or choose another app/env name.");
            }
            if (!e.ready() && leased(e)) {
                // Another run is still creating or masking it: deleting it would pull it from under that run.
                progress.line("clone %s is being made by another run (lease until %s, state %s); waiting for it", name,
                        e.tags().get(LEASE_UNTIL), e.status());
                e = cloner.awaitReady(name, progress);
                existing = Optional.of(e);
            }
            if (request.fresh() || !e.ready()) {
                progress.line("%s clone %s", request.fresh() ? "--fresh: replacing" : "found a half-made", name);
                cloner.delete(e, progress);
                action = "replaced";
            } else {
                progress.line("reusing clone %s (created %s)", name, e.tags().getOrDefault(ManagedTags.EXPIRES_AT, "?"));
                action = "reused";
            }
        }
        ClonedDatabase clone;
        if ("reused".equals(action)) {
            clone = existing.get();
            // Keep the original creation's tags (expiry): a re-run does not extend a clone's life.
            expiresAt = parse(clone.tags().get(ManagedTags.EXPIRES_AT));
            tags = clone.tags();
        } else {
            clone = cloner.create(new CloneSpec(name, tags), progress);
            if (clone.ready()) {
                // A concurrent run created and masked it while we waited on the provider's create call.
                action = "reused";
                tags = clone.tags();
                expiresAt = parse(tags.get(ManagedTags.EXPIRES_AT));
            }
        }
        Secret password = Secret.of(generatePassword(), "generated for " + key);
        ConnectionSpec access = cloner.resetCredential(clone, password, progress);
        if (!"reused".equals(action)) {
            try {
                Map<String, Long> masked = Masker.apply(access, request.mask(), progress);
                if (!masked.isEmpty()) {
                    progress.line("masking done: %s", masked);
                }
                cloner.afterMasking(clone, access, progress);
            } catch (RuntimeException e) {
                progress.line("masking failed; deleting clone %s so unmasked data is never handed out", name);
                try {
                    cloner.delete(clone, progress);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            cloner.markReady(clone);
            Map<String, String> ready = new TreeMap<>(tags);
            ready.put(ManagedTags.STATE, "ready");
            tags = ready;
        }
        String credentialRef = store.storeCredential(key, password);
        Duration took = Duration.between(started, clock.instant());
        EnvironmentRecord record = new EnvironmentRecord(key, request.app(), request.env(), request.pr(), cloner.provider(),
                clone.id(), access.host(), access.port(), access.database(), access.user(), credentialRef,
                started, expiresAt, tags, Map.of("clone.action", action, "clone.seconds", String.valueOf(took.toSeconds())));
        store.save(record);
        progress.line("clone %s %s: %s (credential in %s)", name, action, access.describe(), credentialRef);
        return new CloneResult(key, cloner.provider(), clone.id(), access.host(), access.port(), access.database(), access.user(),
                credentialRef, action, expiresAt, took, tags);
    }

    /** True when a run may still be working on this not-ready clone: its lease has not passed and it has not failed. */
    private boolean leased(ClonedDatabase clone) {
        if (cloner.exclusiveLock() || cloner.failed(clone)) {
            return false;
        }
        Instant until = parse(clone.tags().get(LEASE_UNTIL));
        return until != null && clock.instant().isBefore(until);
    }

    private static Instant parse(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** 24 characters from an unambiguous alphabet, no characters RDS rejects ({@code / " @} and space). */
    static String generatePassword() {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
