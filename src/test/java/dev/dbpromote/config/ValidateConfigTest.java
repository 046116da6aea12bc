package dev.dbpromote.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidateConfigTest {

    private static final String BASE = """
            app: orders
            source:
              mysql: {host: db.local}
              database: orders
            environments:
              dev:
                database: {strategy: clone}
            """;

    private static Config parse(String validate) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(BASE + validate, Path.of("dbpromote.yaml"));
    }

    @Test
    void defaultsAndValues() {
        Config c = parse("validate: {suite: s.yaml, compare: source, parameters: {MAX: '10'}, sampleRows: 5, compareChunkKeys: 5000}\n");
        assertEquals(5, c.validate().sampleRows());
        assertEquals(5000L, c.validate().compareChunkKeys());
        assertEquals(Map.of("MAX", "10"), c.validate().parameters());
        assertEquals(20, ValidateConfig.DEFAULT.sampleRows());
        assertEquals("none", ValidateConfig.DEFAULT.compare());
        assertEquals(100_000L, ValidateConfig.DEFAULT.compareChunkKeys());
    }

    @Test
    void badValuesAreReportedWithLinesAndFixes() {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> parse("""
                validate:
                  compare: sources
                  sampleRows: 5000
                  compareChunkKeys: 0
                  parameters: {"MAX-TOTAL": '1'}
                """));
        String msg = e.getMessage();
        assertTrue(msg.contains("line 9: 'sources' is not valid for validate.compare; use one of [none, source]"), msg);
        assertTrue(msg.contains("line 10: validate.sampleRows must be from 0 to 1000"), msg);
        assertTrue(msg.contains("line 11: validate.compareChunkKeys must be a positive number"), msg);
        assertTrue(msg.contains("line 12: suite parameter name 'MAX-TOTAL' must be letters, digits or '_'"), msg);
    }
}
