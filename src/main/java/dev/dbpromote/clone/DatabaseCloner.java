package dev.dbpromote.clone;

import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import java.util.List;
import java.util.Optional;

/**
 * One way of making a copy of the source database: an RDS snapshot restore, an Aurora copy-on-write
 * clone, or a schema copy on a MySQL server. {@link CloneDatabase} drives it; implementations only talk
 * to their system. Every resource a cloner creates carries the {@link CloneSpec#tags() tags} it was
 * given, from the first call that creates it, so a half-made resource is still found by the reaper.
 */
public interface DatabaseCloner extends AutoCloseable {

    /** {@code mysql}, {@code rds} or {@code aurora}: goes into the environment record. */
    String provider();

    /**
     * Holds off other runs for the same clone name until closed. The MySQL provider takes a named lock on
     * the target server; cloud providers rely on the create call's AlreadyExists fault instead.
     */
    default AutoCloseable lock(String name, Progress progress) {
        return () -> { };
    }

    /**
     * True when {@link #lock} really excludes other runs (MySQL's named lock), so a not-ready clone seen while
     * holding it is certainly half-made. Cloud providers have no such lock: a not-ready clone may belong to a run
     * still creating or masking it, which the {@link CloneDatabase#LEASE_UNTIL lease tag} tells apart.
     */
    default boolean exclusiveLock() {
        return false;
    }

    /**
     * How long a run may take from the create call to marking the clone ready; written as the clone's
     * {@link CloneDatabase#LEASE_UNTIL lease}. Until it passes, other runs wait for the clone instead of replacing it.
     */
    default java.time.Duration lease() {
        return java.time.Duration.ofHours(3);
    }

    /** True when the clone is in a provider state it never leaves for {@code available} (it may be replaced). */
    default boolean failed(ClonedDatabase clone) {
        return false;
    }

    /**
     * Waits (bounded) until another run has made {@code name} ready and returns it; exit 3 with a clear message
     * when that run fails or the wait times out.
     */
    default ClonedDatabase awaitReady(String name, Progress progress) {
        throw new UnsupportedOperationException(provider() + " clones are never shared between concurrent runs");
    }

    /** The clone called {@code name}, whether or not it is ours (the caller checks the tags). */
    Optional<ClonedDatabase> find(String name);

    /** Creates the clone and waits until it accepts connections. A concurrent creation yields the same clone. */
    ClonedDatabase create(CloneSpec spec, Progress progress);

    /**
     * Gives the clone's user (the RDS master user, or a MySQL user made for this clone) the new password and
     * returns how to connect as it. Never production's credential.
     */
    ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress);

    /**
     * Runs after masking succeeded and before {@link #markReady}: the MySQL provider creates the copied triggers
     * only now, so masking UPDATEs never fire them. {@code access} is the clone's own connection.
     */
    default void afterMasking(ClonedDatabase clone, ConnectionSpec access, Progress progress) {
    }

    /** Records that masking succeeded ({@code dbpromote:state=ready}). */
    void markReady(ClonedDatabase clone);

    /** Every clone-like resource this cloner can see, with its tags: the caller filters by managed-by. */
    List<ClonedDatabase> list();

    /** Deletes a clone; callers have checked it is managed. Does not wait for a cloud deletion to finish. */
    void delete(ClonedDatabase clone, Progress progress);

    @Override
    default void close() {
    }
}
