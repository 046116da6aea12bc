package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.resource.StringResource;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.mysql.MySQLParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlSplitterTest {

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        List<SqlStatement> s = SqlSplitter.split("""
                -- header; with a semicolon
                CREATE TABLE `a;b` (id INT); # trailing comment;
                INSERT INTO `a;b` VALUES ('it''s; fine'), ("dq \\" ;");
                /* block;
                   comment */ UPDATE `a;b` SET id = 2;
                """);
        assertEquals(3, s.size());
        assertEquals("CREATE TABLE `a;b` (id INT)", s.get(0).sql());
        assertEquals(2, s.get(0).line());
        assertEquals(3, s.get(1).line());
        assertEquals("UPDATE `a;b` SET id = 2", s.get(2).sql());
        assertEquals(5, s.get(2).line(), "the line where the statement itself starts, after the comment");
    }

    @Test
    void honoursDelimiterForRoutines() {
        List<SqlStatement> s = SqlSplitter.split("""
                DELIMITER //
                CREATE PROCEDURE p()
                BEGIN
                  SELECT 1;
                  SELECT 2;
                END//
                DELIMITER ;
                CALL p();
                """);
        assertEquals(2, s.size());
        assertEquals(2, s.get(0).line());
        assertEquals("CALL p()", s.get(1).sql());
        assertEquals(8, s.get(1).line());
    }

    /** Issue 10 bug 1: a DELIMITER line after any comment was taken for SQL. */
    @ParameterizedTest
    @ValueSource(strings = {"-- x\n", "--\n", "/* c */\n", "/* multi\n line */\n\n", "# hash\n", "-- x\n\n-- y\n\n", ""})
    void delimiterAfterAComment(String comment) {
        String script = "CREATE TABLE t1(id int primary key);\n" + comment
                + "DELIMITER //\n"
                + "CREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END//\n"
                + "DELIMITER ;\n"
                + "SELECT f();\n";
        List<SqlStatement> s = SqlSplitter.split(script);
        assertEquals(List.of("CREATE TABLE t1(id int primary key)",
                "CREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END", "SELECT f()"),
                s.stream().map(SqlStatement::sql).toList());
        int fLine = 2 + (int) comment.chars().filter(ch -> ch == '\n').count() + 1;
        assertEquals(fLine, s.get(1).line());
        // and at the very start of a file
        List<SqlStatement> first = SqlSplitter.split(comment + "delimiter $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDelimiter ;\n");
        assertEquals(1, first.size());
        assertTrue(first.get(0).sql().endsWith("END"), first.get(0).sql());
    }

    @Test
    void doubleDashIsACommentOnlyWhenFollowedBySpaceOrLineEnd() {
        List<SqlStatement> s = SqlSplitter.split("SELECT 1--1;\n--\nSELECT 2; --\tdone\nSELECT 3 --;\n;");
        assertEquals(List.of("SELECT 1--1", "SELECT 2", "SELECT 3 --"), s.stream().map(SqlStatement::sql).toList());
    }

    @Test
    void storedProgramBodiesWithoutDelimiterStayOneStatementAsFlywayReadsThem() {
        List<SqlStatement> s = SqlSplitter.split("""
                CREATE TABLE t (id INT);
                CREATE DEFINER=`root`@`%` TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
                BEGIN
                  IF NEW.id < 0 THEN
                    SET NEW.id = 0;
                  END IF;
                  CASE NEW.id WHEN 1 THEN SET NEW.id = 2; ELSE BEGIN END; END CASE;
                END;
                INSERT INTO t VALUES (CASE WHEN 1 THEN 2 END);
                """);
        assertEquals(3, s.size(), s.toString());
        assertTrue(s.get(1).sql().endsWith("END CASE;\nEND"), s.get(1).sql());
        assertEquals(9, s.get(2).line());
    }

    @Test
    void delimiterWhileAStatementIsOpenIsAnError() {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> SqlSplitter.split("CREATE TABLE a (id INT)\nDELIMITER //\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("line 1"), e.getMessage());
        DbPromoteException empty = assertThrows(DbPromoteException.class, () -> SqlSplitter.split("DELIMITER\nSELECT 1;"));
        assertTrue(empty.getMessage().contains("DELIMITER //"), empty.getMessage());
    }

    @Test
    void lastStatementWithoutSemicolonAndEmptyStatements() {
        List<SqlStatement> s = SqlSplitter.split(";;\n  SELECT 1;\n\nSELECT 2");
        assertEquals(List.of("SELECT 1", "SELECT 2"), s.stream().map(SqlStatement::sql).toList());
        assertEquals(List.of(2, 4), s.stream().map(SqlStatement::line).toList());
    }

    /**
     * Flyway is the spec for Flyway files: the same statements, starting on the same lines, as Flyway's own MySQL
     * parser (leading comments aside). One deliberate difference, not in this list: Flyway's parser takes
     * {@code --x} (no space) for a comment, the mysql client and server do not ({@code SELECT 1--1} is 2).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TABLE t1(id int primary key);\n-- x\nDELIMITER //\nCREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END//\nDELIMITER ;\nSELECT 1;\n",
        "/* a */\n\nDELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND$$\nDELIMITER ;\n",
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  IF NEW.a IS NULL THEN SET NEW.a = 1; END IF;\nEND;\nSELECT 2;\n",
        "CREATE PROCEDURE p() BEGIN DECLARE x INT; lbl: LOOP LEAVE lbl; END LOOP lbl; CASE x WHEN 1 THEN SELECT 1; END CASE; END;\nCALL p();\n",
        "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);\n# c;\nUPDATE t SET a = 'x\\';y';\n",
        "-- only a comment;\n/*!40101 SET NAMES utf8 */;\nSELECT 1;\n",
    })
    void agreesWithFlywaysMySqlParser(String script) {
        List<String> ours = new ArrayList<>();
        for (SqlStatement st : SqlSplitter.split(script)) {
            ours.add(st.line() + ": " + st.sql().strip());
        }
        List<String> flyways = new ArrayList<>();
        var config = Flyway.configure().placeholderReplacement(false);
        MySQLParser parser = new MySQLParser(config, new ParsingContext());
        try (SqlStatementIterator it = parser.parse(new StringResource(script))) {
            while (it.hasNext()) {
                var st = it.next();
                flyways.add(st.getLineNumber() + ": " + SqlSplitter.trimLeadingComments(st.getSql()).strip());
            }
        }
        assertEquals(flyways, ours);
    }
}
