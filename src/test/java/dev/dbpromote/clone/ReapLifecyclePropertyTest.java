package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.env.ManagedTags;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of {@code env reap} through {@link EnvironmentLifecycle}: for many random sets of tagged,
 * untagged, foreign-tagged, other apps', protected, expired and unexpired resources (seeded, reproducible), reap
 * deletes exactly this app's expired managed clones of unprotected environments and never anything else; a dry run deletes
 * nothing. The cloner is a fake of our own interface that records deletions (pure logic, no cloud).
 */
class ReapLifecyclePropertyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final List<String> ENVS = List.of("dev", "qa", "production", "staging", "gone");

    @TempDir
    Path dir;

    @Test
    void reapNeverTouchesUntaggedProtectedOrOtherAppsResources() {
        Config config = new ConfigLoader(n -> null).parse("""
                app: orders
                source: {rds: {instance: orders-prod}, database: orders}
                environments:
                  dev: {database: {strategy: clone, ttl: 72h}}
                  qa: {database: {strategy: clone, ttl: 24h}}
                  staging: {protected: true, database: {strategy: in-place, host: db}}
                  production: {protected: true, database: {strategy: in-place, host: db}}
                """, dir.resolve("dbpromote.yaml"));
        for (long seed = 0; seed < 500; seed++) {
            Random random = new Random(seed);
            FakeCloner cloner = new FakeCloner();
            for (int i = 0; i < random.nextInt(25); i++) {
                cloner.resources.add(random(random, i));
            }
            EnvironmentLifecycle lifecycle = new EnvironmentLifecycle(config, env -> cloner, new EnvironmentStore(dir.resolve("s" + seed)),
                    Progress.silent(), Clock.fixed(NOW, ZoneOffset.UTC));

            var planned = lifecycle.reap(true);
            assertTrue(cloner.deleted.isEmpty(), "dry run deletes nothing, seed " + seed);
            lifecycle.reap(false);
            for (ClonedDatabase d : cloner.deleted) {
                String why = "seed " + seed + " deleted " + d;
                assertTrue(ManagedTags.isManaged(d.tags()), why);
                assertTrue(!"production".equals(d.env()) && !"staging".equals(d.env()), why);
                assertTrue(d.expired(NOW), why);
                assertTrue(!d.name().equals("orders-prod"), why);
                assertEquals("orders", d.tags().get(ManagedTags.APP), "another app's clone deleted, " + why);
            }
            long expected = cloner.resources.stream().filter(r -> ManagedTags.isManaged(r.tags()) && "orders".equals(r.tags().get(ManagedTags.APP))
                    && r.env() != null
                    && !List.of("production", "staging").contains(r.env()) && r.expired(NOW) && !r.name().equals("orders-prod")).count();
            assertEquals(expected, cloner.deleted.size(), "seed " + seed);
            assertEquals(expected, planned.size(), "dry run plans what the real run does, seed " + seed);
        }
    }

    @Test
    void destroyByIdRefusesAnotherAppsCloneAndChangesNothing() {
        Config config = new ConfigLoader(n -> null).parse("""
                app: orders
                source: {rds: {instance: orders-prod}, database: orders}
                environments:
                  dev: {database: {strategy: clone, ttl: 72h}}
                """, dir.resolve("dbpromote.yaml"));
        FakeCloner cloner = new FakeCloner();
        Map<String, String> billing = new HashMap<>(ManagedTags.of("billing", "dev", "7", NOW.minusSeconds(60), null));
        cloner.resources.add(new ClonedDatabase("rds", "billing-dev-pr-7", "billing-dev-pr-7", "h", 3306, "billing", "admin",
                "available", billing));
        cloner.resources.add(new ClonedDatabase("rds", "orders-dev-pr-7", "orders-dev-pr-7", "h", 3306, "orders", "admin",
                "available", ManagedTags.of("orders", "dev", "7", NOW.minusSeconds(60), null)));
        EnvironmentLifecycle lifecycle = new EnvironmentLifecycle(config, env -> cloner, new EnvironmentStore(dir.resolve("s")),
                Progress.silent(), Clock.fixed(NOW, ZoneOffset.UTC));
        dev.dbpromote.core.DbPromoteException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.dbpromote.core.DbPromoteException.class, () -> lifecycle.destroy("dev", "7", "billing-dev-pr-7", false));
        assertEquals(dev.dbpromote.core.DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("belongs to app 'billing'"), e.getMessage());
        assertTrue(cloner.deleted.isEmpty(), "nothing deleted");
        lifecycle.reap(false);
        assertEquals(List.of("orders-dev-pr-7"), cloner.deleted.stream().map(ClonedDatabase::id).toList(),
                "reap deletes only this app's expired clone");
    }

    private static ClonedDatabase random(Random random, int i) {
        Map<String, String> tags = new HashMap<>();
        int kind = random.nextInt(3);
        if (kind == 1) {
            tags.put(ManagedTags.MANAGED_BY, "dbpromote");
        } else if (kind == 2) {
            tags.put(ManagedTags.MANAGED_BY, "terraform");
        }
        switch (random.nextInt(4)) {
            case 0 -> { } // no app tag
            case 1 -> tags.put(ManagedTags.APP, "billing");
            default -> tags.put(ManagedTags.APP, "orders");
        }
        if (random.nextInt(5) > 0) {
            tags.put(ManagedTags.ENV, ENVS.get(random.nextInt(ENVS.size())));
        }
        if (random.nextInt(4) > 0) {
            tags.put(ManagedTags.EXPIRES_AT, NOW.plusSeconds(random.nextInt(200_000) - 100_000).toString());
        }
        String name = random.nextInt(8) == 0 ? "orders-prod" : "r" + i;
        return new ClonedDatabase("rds", name, name, "h", 3306, "orders", "admin", "available", tags);
    }

    private static final class FakeCloner implements DatabaseCloner {
        final List<ClonedDatabase> resources = new ArrayList<>();
        final List<ClonedDatabase> deleted = new ArrayList<>();

        @Override
        public String provider() {
            return "rds";
        }

        @Override
        public Optional<ClonedDatabase> find(String name) {
            return resources.stream().filter(r -> r.name().equals(name)).findFirst();
        }

        @Override
        public ClonedDatabase create(CloneSpec spec, Progress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void markReady(ClonedDatabase clone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ClonedDatabase> list() {
            return List.copyOf(resources);
        }

        @Override
        public void delete(ClonedDatabase clone, Progress progress) {
            deleted.add(clone);
        }
    }
}
