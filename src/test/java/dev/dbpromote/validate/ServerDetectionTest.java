package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.sql.Connection;

/** Which server a database is on decides the regex SQL and how JSON columns are recognised. */
class ServerDetectionTest {

    @EachServer
    void detectsTheServerFromTheServerItself(TestDatabase db, TestServer server) throws Exception {
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, doc JSON)");
        try (Connection c = db.connect()) {
            Schema.Server detected = Schema.server(c);
            assertEquals(server.mariaDb(), detected.mariaDb(), detected.version());
            assertTrue(detected.describe().startsWith(server.mariaDb() ? "MariaDB 11.4." : "MySQL 8.0."), detected.describe());

            Schema.Column doc = Schema.read(c, db.name()).table("t").orElseThrow().column("doc").orElseThrow();
            // MariaDB: LONGTEXT with a json_valid CHECK; MySQL: a json column. Both are JSON to a suite.
            assertEquals(server.mariaDb() ? "longtext" : "json", doc.dataType());
            assertEquals(server.mariaDb(), doc.jsonCheck());
            assertTrue(Types.matches(doc, "JSON"));
            assertEquals("json", Types.describe(doc));
        }
    }
}
