package dev.dbpromote.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

@MySql8
class MySql8ExtensionTest {

    @Test
    void eachTestGetsItsOwnEmptyDatabaseOnOneRealMySql8(TestDatabase a, TestDatabase b, MySql8Server server) {
        assertNotEquals(a.name(), b.name());
        assertEquals(server.port(), a.port());
        assertEquals(a.port(), b.port());
        a.execute("CREATE TABLE x (id INT, doc JSON)", "INSERT INTO x VALUES (1, '{\"a\": 1}')");
        assertEquals(1, a.count("x"));
        assertTrue(b.column("SHOW TABLES").isEmpty());
        assertEquals("8.0.15", a.column("SELECT VERSION()").get(0), "MySQL Community, not MariaDB");
        assertEquals("json", a.column("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
                + " AND COLUMN_NAME = 'doc'").get(0), "a real JSON type, not MariaDB's LONGTEXT alias");
    }
}
