package dev.dbpromote.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

@MariaDb
class MariaDbExtensionTest {

    @Test
    void eachTestGetsItsOwnEmptyDatabaseOnOneServer(TestDatabase a, TestDatabase b) {
        assertNotEquals(a.name(), b.name());
        assertEquals(a.port(), b.port());
        a.execute("CREATE TABLE x (id INT)", "INSERT INTO x VALUES (1)");
        assertEquals(1, a.count("x"));
        assertTrue(b.column("SHOW TABLES").isEmpty());
        assertTrue(a.column("SELECT VERSION()").get(0).startsWith("11.4"), "MariaDB 11.4 as DESIGN.md says");
    }
}
