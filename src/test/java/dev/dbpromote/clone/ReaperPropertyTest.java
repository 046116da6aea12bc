package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.env.ManagedTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property test (seeded, many iterations): reap never selects an untagged, other-app, protected, unexpired or source
 * resource.
 */
class ReaperPropertyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final List<String> ENVS = List.of("dev", "qa", "staging", "production");
    private static final Set<String> PROTECTED = Set.of("production", "staging");

    @Test
    void reapOnlySelectsExpiredManagedUnprotectedClonesOfItsOwnApp() {
        for (long seed = 0; seed < 2000; seed++) {
            Random random = new Random(seed);
            List<ClonedDatabase> resources = new ArrayList<>();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                resources.add(randomResource(random, i));
            }
            Set<String> sources = Set.of("orders-prod", "orders");
            List<ClonedDatabase> chosen = Reaper.reapable(resources, "orders", PROTECTED, sources, NOW);
            for (ClonedDatabase c : chosen) {
                String why = "seed " + seed + ": " + c;
                assertTrue(ManagedTags.MANAGED_BY_VALUE.equals(c.tags().get(ManagedTags.MANAGED_BY)), why);
                assertFalse(PROTECTED.contains(c.tags().get(ManagedTags.ENV)), why);
                assertTrue(Instant.parse(c.tags().get(ManagedTags.EXPIRES_AT)).isBefore(NOW), why);
                assertFalse(sources.contains(c.name()), why);
                assertTrue("orders".equals(c.tags().get(ManagedTags.APP)), "another app's clone selected, " + why);
            }
            // And it does reap what it should: every expired managed unprotected non-source resource.
            long expected = resources.stream().filter(r -> ManagedTags.isManaged(r.tags()) && r.env() != null
                    && "orders".equals(r.tags().get(ManagedTags.APP))
                    && !PROTECTED.contains(r.env()) && r.expired(NOW) && !sources.contains(r.name())).count();
            assertTrue(chosen.size() == expected, "seed " + seed);
        }
    }

    private static ClonedDatabase randomResource(Random random, int i) {
        Map<String, String> tags = new HashMap<>();
        switch (random.nextInt(4)) {
            case 0 -> { } // untagged
            case 1 -> tags.put(ManagedTags.MANAGED_BY, "someone-else");
            default -> tags.put(ManagedTags.MANAGED_BY, "dbpromote");
        }
        switch (random.nextInt(4)) {
            case 0 -> { } // no app tag
            case 1 -> tags.put(ManagedTags.APP, "billing");
            default -> tags.put(ManagedTags.APP, "orders");
        }
        if (random.nextBoolean()) {
            tags.put(ManagedTags.ENV, ENVS.get(random.nextInt(ENVS.size())));
        }
        switch (random.nextInt(4)) {
            case 0 -> { }
            case 1 -> tags.put(ManagedTags.EXPIRES_AT, "not-a-date");
            case 2 -> tags.put(ManagedTags.EXPIRES_AT, NOW.plusSeconds(random.nextInt(100_000)).toString());
            default -> tags.put(ManagedTags.EXPIRES_AT, NOW.minusSeconds(1 + random.nextInt(100_000)).toString());
        }
        String name = random.nextInt(10) == 0 ? "orders-prod" : "res-" + i;
        return new ClonedDatabase("rds", name, name, "h", 3306, "orders", "admin", "available", tags);
    }
}
