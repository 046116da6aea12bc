package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

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

    @Test
    void lastStatementWithoutSemicolonAndEmptyStatements() {
        List<SqlStatement> s = SqlSplitter.split(";;\n  SELECT 1;\n\nSELECT 2");
        assertEquals(List.of("SELECT 1", "SELECT 2"), s.stream().map(SqlStatement::sql).toList());
        assertEquals(List.of(2, 4), s.stream().map(SqlStatement::line).toList());
    }
}
