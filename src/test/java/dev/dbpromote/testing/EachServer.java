package dev.dbpromote.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method once on each {@link TestServer} (MariaDB 11.4, then MySQL 8.0), instead of
 * {@code @Test}. Its {@link TestDatabase} parameters are databases on that run's server; a
 * {@link TestServer} parameter says which one it is, a {@link dev.dbpromote.db.DatabaseServer} parameter
 * is the server itself (also in {@code @BeforeEach}/{@code @AfterEach} methods). The MySQL 8 run is skipped where mysqld cannot run.
 *
 * <pre>{@code
 * @EachServer
 * void regexIsCaseSensitive(TestDatabase db, TestServer server) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(EachServerExtension.class)
public @interface EachServer {
}
