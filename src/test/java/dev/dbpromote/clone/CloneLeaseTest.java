package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease on cloud clones, deterministically (fixed clock, fake cloud cloner): a not-ready clone whose lease
 * has not passed is waited for, never deleted; one whose lease passed, or that failed, is replaced.
 */
class CloneLeaseTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final String NAME = "orders-dev-pr-3";

    @TempDir
    Path state;

    private CloneResult run(FakeCloudCloner cloner) {
        return new CloneDatabase(cloner, new EnvironmentStore(state), Progress.silent(), Clock.fixed(NOW, ZoneOffset.UTC))
                .run(new CloneRequest("orders", "dev", "3", Duration.ofHours(72), null, false, false, Map.of()));
    }

    private static ClonedDatabase existing(String status, Instant leaseUntil) {
        Map<String, String> tags = new HashMap<>(ManagedTags.of("orders", "dev", "3", NOW.plusSeconds(3600), null));
        if (leaseUntil != null) {
            tags.put(CloneDatabase.LEASE_UNTIL, leaseUntil.toString());
        }
        return new ClonedDatabase("rds", NAME, NAME, "h", 3306, "orders", "admin", status, tags);
    }

    @Test
    void newCloneCarriesALeaseOfTheProvidersBound() {
        FakeCloudCloner cloner = new FakeCloudCloner(null);
        assertEquals("created", run(cloner).action());
        assertEquals(NOW.plus(Duration.ofHours(2)).toString(), cloner.created.get(0).tags().get(CloneDatabase.LEASE_UNTIL));
    }

    @Test
    void notReadyCloneWithALiveLeaseIsWaitedForNotDeleted() {
        for (String status : List.of("creating", "modifying", "resetting-master-credentials", "backing-up", "available")) {
            FakeCloudCloner cloner = new FakeCloudCloner(existing(status, NOW.plusSeconds(60)));
            CloneResult r = run(cloner);
            assertTrue(cloner.deleted.isEmpty(), status + ": deleted a clone another run is still making");
            assertEquals(1, cloner.awaited, status);
            assertEquals("reused", r.action(), status);
            assertTrue(cloner.created.isEmpty(), status);
        }
    }

    @Test
    void notReadyCloneWhoseLeasePassedOrThatFailedOrHasNoLeaseIsReplaced() {
        List<ClonedDatabase> cases = List.of(existing("creating", NOW.minusSeconds(1)), existing("failed", NOW.plusSeconds(600)),
                existing("available", null));
        for (ClonedDatabase c : cases) {
            FakeCloudCloner cloner = new FakeCloudCloner(c);
            assertEquals("replaced", run(cloner).action(), c.toString());
            assertEquals(1, cloner.deleted.size(), c.toString());
            assertEquals(0, cloner.awaited, c.toString());
        }
    }

    /** A cloud-like cloner (no exclusive lock) holding at most one clone. */
    private static final class FakeCloudCloner implements DatabaseCloner {
        ClonedDatabase current;
        final List<ClonedDatabase> created = new ArrayList<>();
        final List<ClonedDatabase> deleted = new ArrayList<>();
        int awaited;

        FakeCloudCloner(ClonedDatabase current) {
            this.current = current;
        }

        @Override
        public String provider() {
            return "rds";
        }

        @Override
        public Duration lease() {
            return Duration.ofHours(2);
        }

        @Override
        public boolean failed(ClonedDatabase clone) {
            return "failed".equals(clone.status());
        }

        @Override
        public ClonedDatabase awaitReady(String name, Progress progress) {
            awaited++;
            Map<String, String> tags = new HashMap<>(current.tags());
            tags.put(ManagedTags.STATE, "ready");
            current = new ClonedDatabase("rds", name, name, "h", 3306, "orders", "admin", "available", tags);
            return current;
        }

        @Override
        public Optional<ClonedDatabase> find(String name) {
            return Optional.ofNullable(current);
        }

        @Override
        public ClonedDatabase create(CloneSpec spec, Progress progress) {
            current = new ClonedDatabase("rds", spec.name(), spec.name(), "h", 3306, "orders", "admin", "available", spec.tags());
            created.add(current);
            return current;
        }

        @Override
        public ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress) {
            return new ConnectionSpec("h", 3306, "orders", "admin", password);
        }

        @Override
        public void markReady(ClonedDatabase clone) {
        }

        @Override
        public List<ClonedDatabase> list() {
            return current == null ? List.of() : List.of(current);
        }

        @Override
        public void delete(ClonedDatabase clone, Progress progress) {
            deleted.add(clone);
            current = null;
        }
    }
}
