package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbpromote.core.Progress;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcreWhitespaceTest {

    private static final String CLASS = "[" + PcreWhitespace.SET + "]";

    @TempDir
    Path dir;

    @Test
    void spellsOutSpaceEscapesOutsideAndInsideClasses() {
        assertEquals(Optional.of(CLASS), PcreWhitespace.rewrite("\\s"));
        assertEquals(Optional.of("a[^" + PcreWhitespace.SET + "]+b"), PcreWhitespace.rewrite("a\\S+b"));
        assertEquals(Optional.of("^[^@" + PcreWhitespace.SET + "]+@x$"), PcreWhitespace.rewrite("^[^@\\s]+@x$"));
        assertEquals(Optional.of("[]" + PcreWhitespace.SET + "]"), PcreWhitespace.rewrite("[]\\s]"), "']' first is a literal");
        assertEquals(Optional.of("[[:alpha:]" + PcreWhitespace.SET + "]" + CLASS), PcreWhitespace.rewrite("[[:alpha:]\\s]\\s"));
        assertEquals(Optional.of("\\\\" + CLASS), PcreWhitespace.rewrite("\\\\\\s"), "escaped backslash, then \\s");
    }

    @Test
    void leavesPatternsAloneWhereSpellingOutCouldChangeTheMeaning() {
        for (String regex : List.of("\\\\s", "abc", "[\\S]", "[a-\\s]", "[\\s-z]", "\\Q\\s\\E", "\\c\\s", "[[:space:")) {
            assertEquals(Optional.empty(), PcreWhitespace.rewrite(regex), regex);
        }
    }

    @EachServer
    void theClassIsExactlyTheServersSpaceOverAllOfUnicode(TestDatabase db, TestServer server) throws Exception {
        if (!server.mariaDb()) {
            try (Connection c = db.connect()) {
                assertFalse(PcreWhitespace.probe(c), "no sequence engine (or any error): patterns run as written");
            }
            return;
        }
        String ch = "CONVERT(CHAR(seq USING utf32) USING utf8mb4)";
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(CASE WHEN (" + ch + " REGEXP ?) <> (" + ch + " REGEXP ?) THEN 1 END),"
                     + " COUNT(CASE WHEN " + ch + " REGEXP ? THEN 1 END) FROM seq_0_to_1114111 WHERE seq NOT BETWEEN 55296 AND 57343")) {
            ps.setString(1, "(?-i)\\s");
            ps.setString(2, "(?-i)" + CLASS);
            ps.setString(3, "(?-i)\\s");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1), "code points where \\s and the class disagree");
                assertEquals(26, rs.getLong(2), "\\s is Unicode-aware on this server (NBSP, U+3000, …), not ASCII");
            }
            assertTrue(PcreWhitespace.probe(c));
        }
    }

    @EachServer
    void rewrittenPatternsMatchWhatTheOriginalsMatch(TestDatabase db, TestServer server) throws Exception {
        assumeTrue(server.mariaDb(), "the rewrite is for MariaDB's PCRE2; MySQL 8 runs patterns as written");
        List<String> values = List.of("a b", "a\u00a0b", "a\u3000b", "ab", "é\tx", "x@y", "x @y", "x\u2028@y", "", " ", "日本 語", "\\s");
        List<String> patterns = List.of("\\s", "\\S", "^\\S+$", "^[^@\\s]+@[^@\\s]+$", "a\\s*b", "\\s{2}", "[\\sx]", "^[^\\s]*$", "\\\\s");
        List<String> disagreements = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT CONVERT(? USING utf8mb4) REGEXP ?, CONVERT(? USING utf8mb4) REGEXP ?")) {
            for (String p : patterns) {
                String rewritten = PcreWhitespace.rewrite(p).orElse(p);
                for (String v : values) {
                    ps.setString(1, v);
                    ps.setString(2, "(?-i)" + p);
                    ps.setString(3, v);
                    ps.setString(4, "(?-i)" + rewritten);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) != rs.getInt(2)) {
                            disagreements.add(p + " on '" + v + "'");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @EachServer
    void validationFindsUnicodeSpacesWithTheFastClass(TestDatabase db) throws Exception {
        db.execute("CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(64)) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci",
                "INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b\u00a0@example.com'), (3, 'c@example.com'), (4, NULL)");
        Path suite = dir.resolve("s.yaml");
        Files.writeString(suite, """
                suite: spaces
                tables:
                  users:
                    - expect_column_values_to_not_match_regex: {column: email, regex: '\\s'}
                    - expect_column_values_to_match_regex: {column: email, regex: '^[^@\\s]+@[^@\\s]+$'}
                """);
        for (Strategy strategy : Strategy.values()) {
            ValidationResult r = new DataValidate(Progress.silent()).run(new ValidateRequest(db.root(), null, suite, Map.of(), Set.of(),
                    null, "dev-pr-1", strategy, 5, false, 0));
            for (ExpectationResult e : r.results()) {
                assertEquals(1L, e.unexpectedCount(), strategy + " " + e.id() + ": the NBSP row, as Python's re would find it");
                assertEquals(List.of(List.of(2, "b\u00a0@example.com")), e.samples());
            }
        }
        Schema.Server server = new Schema.Server(true, "11.4.5-MariaDB").withSpaceClass(true);
        assertEquals(List.of("(?-i)" + CLASS), Checks.regex(server, "`email`", "\\s").binds(), "the scan runs the explicit class");
    }
}
