package dev.dbpromote.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config mistakes found by trying dbpromote as a new user: each a clear message with the line and the fix. */
class ConfigBadInputTest {

    @TempDir
    Path dir;

    private static final String BASE = """
            app: orders
            source: {mysql: {host: db}, database: orders}
            environments:
              dev:
                database: {strategy: clone, ttl: TTL}
            """;

    private static String error(String yaml) {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> new ConfigLoader(Map.<String, String>of()::get).parse(yaml, Path.of("dbpromote.yaml")));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    private static Config parse(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, Path.of("dbpromote.yaml"));
    }

    @Test
    void aFileThatIsNotUtf8SaysSoWithItsLineAndTheFix() throws Exception {
        Path file = dir.resolve("dbpromote.yaml");
        Files.write(file, (BASE.replace("TTL", "72h") + "# owner: Jos\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));

        DbPromoteException e = assertThrows(DbPromoteException.class, () -> new ConfigLoader(k -> null).load(file));

        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("is not UTF-8: line 6 has the byte 0xE9"), e.getMessage());
        assertTrue(e.getMessage().contains("Save it as UTF-8") && e.getMessage().contains("iconv"), e.getMessage());
        assertFalse(e.getMessage().contains("Input length"), e.getMessage());
    }

    @Test
    void aUtf8FileWithAByteOrderMarkOrAccentsIsRead() throws Exception {
        Path file = dir.resolve("dbpromote.yaml");
        Files.write(file, ("\uFEFF" + BASE.replace("TTL", "72h") + "# owner: Jos\u00e9\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("orders", new ConfigLoader(k -> null).load(file).app());
    }

    @Test
    void aTabIsReportedOnItsOwnLine() {
        String onLine2 = "app: orders\n\tsource: {mysql: {host: db}, database: orders}\nenvironments: {}\n";
        String m = error(onLine2);
        assertTrue(m.contains("not valid YAML at line 2, column 1: a tab character"), m);
        assertTrue(m.contains("indent with spaces"), m);

        String onLine4 = "app: orders\nsource:\n  mysql: {host: db}\n\tdatabase: orders\nenvironments: {}\n";
        assertTrue(error(onLine4).contains("at line 4"), error(onLine4));
    }

    @Test
    void otherSyntaxErrorsNameTheProblemLineToo() {
        String m = error("app: orders\nsource: {mysql: {host: db}, database: orders\nenvironments: {}\n");
        assertTrue(m.contains("not valid YAML at line"), m);
        assertTrue(m.contains("Fix the syntax"), m);
    }

    @Test
    void ttlIsBoundedByMaxTtlThirtyDaysByDefault() {
        String m = error(BASE.replace("TTL", "99999999999h"));
        assertTrue(m.contains("line 5: ttl 99999999999h is longer than the maximum 30d"), m);
        assertTrue(m.contains("maxTtl"), m);

        assertEquals("30d", parse(BASE.replace("TTL", "30d")).environment("dev").database().ttl(), "30 days is allowed");
        assertTrue(error(BASE.replace("TTL", "721h")).contains("longer than the maximum 30d"));
    }

    @Test
    void maxTtlIsConfigurableAndChecked() {
        Config c = parse(BASE.replace("TTL", "60d, maxTtl: 90d"));
        assertEquals("60d", c.environment("dev").database().ttl());
        assertEquals(Duration.ofDays(90), Durations.parse(c.environment("dev").database().maxTtl()));

        String lower = error(BASE.replace("TTL", "72h, maxTtl: 24h"));
        assertTrue(lower.contains("ttl 72h is longer than the maximum 24h (maxTtl)"), lower);
        assertTrue(error(BASE.replace("TTL", "72h, maxTtl: forever")).contains("'forever' is not a duration"));
        assertTrue(error(BASE.replace("TTL", "72h, maxTtl: 0s")).contains("maxTtl must be longer than 0"));
        assertTrue(error(BASE.replace("TTL", "0h")).contains("ttl must be longer than 0"));
    }

    @Test
    void aDurationTooLongForJavaIsAClearError() {
        String m = error(BASE.replace("TTL", "99999999999999999999999h"));
        assertTrue(m.contains("is too long to be a duration"), m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("9999999999999999999d"));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }
}
