package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import org.junit.jupiter.api.Test;

class ImageRefTest {

    static final String D = "sha256:" + "0123456789abcdef".repeat(4);

    @Test
    void splitsRegistryRepositoryTagAndDigest() {
        ImageRef r = ImageRef.parse("ghcr.io/acme/orders:1.2@" + D);
        assertEquals("ghcr.io", r.registry());
        assertEquals("acme/orders", r.repository());
        assertEquals("1.2", r.tag());
        assertEquals(D, r.digest());
        assertEquals("ghcr.io/acme/orders@" + D, r.pinned());
    }

    @Test
    void dockerHubAndPortsFollowDockersRules() {
        ImageRef hub = ImageRef.parse("nginx");
        assertEquals("docker.io", hub.registry());
        assertEquals("library/nginx", hub.repository());
        assertNull(hub.tag());
        assertEquals("nginx:latest", hub.pinned());
        ImageRef local = ImageRef.parse("localhost:5000/orders:dev");
        assertEquals("localhost:5000", local.registry());
        assertEquals("orders", local.repository());
        assertEquals("dev", local.tag());
        assertTrue(ImageRef.isPinned("x@" + D));
    }

    @Test
    void malformedReferencesAreInvalidInput() {
        assertEquals(DbPromoteException.Kind.INVALID_INPUT,
                assertThrows(DbPromoteException.class, () -> ImageRef.parse("orders@sha256:abc")).kind());
        assertThrows(DbPromoteException.class, () -> ImageRef.parse("Orders/UPPER:1"));
        assertThrows(DbPromoteException.class, () -> ImageRef.parse(" "));
    }
}
