package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Progress;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/** Names and values that would break (or abuse) SQL built by concatenation: quoted names, bound values. */
class HostileNamesTest {

    static final String TABLE = "or`ders; DROP TABLE victim; --x";
    static final String COLUMN = "na'me /*c*/ \"x\"";
    static final String VALUE = "'); DROP TABLE victim; --";

    @EachServer
    void hostileTableColumnAndValueNamesAreQuotedAndBound(TestDatabase db, @TempDir Path dir) throws Exception {
        String t = "`" + TABLE.replace("`", "``") + "`";
        String c = "`" + COLUMN.replace("`", "``") + "`";
        db.execute("CREATE TABLE victim (id INT)",
                "CREATE TABLE " + t + " (id INT PRIMARY KEY, " + c + " VARCHAR(60))",
                "INSERT INTO " + t + " VALUES (1, 'ok'), (2, ?)".replace("?", "'" + VALUE.replace("'", "''") + "'"), "INSERT INTO " + t + " VALUES (3, 'ok')");
        Path suite = dir.resolve("hostile.json");
        String table = json(TABLE);
        String column = json(COLUMN);
        Files.writeString(suite, """
                {"expectation_suite_name": "hostile", "expectations": [
                  {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"table": %1$s, "column": %2$s}},
                  {"expectation_type": "expect_column_values_to_be_in_set", "kwargs": {"table": %1$s, "column": %2$s, "value_set": ["ok"]}},
                  {"expectation_type": "expect_column_values_to_not_be_in_set", "kwargs": {"table": %1$s, "column": %2$s, "value_set": [%3$s]}},
                  {"expectation_type": "expect_column_values_to_be_unique", "kwargs": {"table": %1$s, "column": %2$s}},
                  {"expectation_type": "expect_column_values_to_match_regex", "kwargs": {"table": %1$s, "column": %2$s, "regex": "^'\\\\)"}},
                  {"expectation_type": "expect_column_values_to_exist_in_other_table",
                   "kwargs": {"table": %1$s, "column": "id", "other_table": %1$s, "other_column": "id"}}
                ]}
                """.formatted(table, column, json(VALUE)));
        for (Strategy s : Strategy.values()) {
            ValidationResult r = new DataValidate(Progress.silent()).run(new ValidateRequest(db.root(), null, suite, Map.of(), Set.of(),
                    dir.resolve(".dbpromote"), "hostile", s, 5, false, 0));
            List<Boolean> outcomes = r.results().stream().map(ExpectationResult::success).toList();
            assertEquals(List.of(true, false, false, false, false, true), outcomes, s + ": " + r.results());
            ExpectationResult inSet = r.results().get(1);
            assertEquals(List.of("id", COLUMN), inSet.sampleColumns());
            assertEquals(List.of(List.of(2, VALUE)), inSet.samples());
            assertEquals(1L, r.results().get(2).unexpectedCount(), "the hostile value was bound, so it matched itself");
            assertEquals(2L, r.results().get(3).unexpectedCount(), "'ok' twice: both rows, as GX counts duplicates");
            String html = Files.readString(r.reports().html());
            assertFalse(html.contains(VALUE), "values are escaped in HTML");
            assertTrue(html.contains("&#39;); DROP TABLE victim; --"), "escaped, still readable");
        }
        assertEquals(1, db.column("SHOW TABLES LIKE 'victim'").size(), "nothing was dropped");
    }

    private static String json(String s) {
        return dev.dbpromote.core.Json.write(s);
    }
}
