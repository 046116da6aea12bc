package dev.dbpromote.validate;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Checks for the two places a suite carries SQL of its own: {@code row_condition} and custom queries.
 *
 * <p>Both are <b>trusted suite input</b>: the suite lives in the repository and is reviewed like the
 * migrations, so its author may write any condition. These checks keep honest mistakes (and pasted
 * text) from turning into something else than what the suite says: a {@code row_condition} is only ever
 * used inside {@code WHERE (...)}, must be one boolean expression (parsed with JSqlParser) with balanced
 * parentheses, and may contain no {@code ;} and no comments outside string literals; a custom query must
 * be one {@code SELECT}, and runs in a read-only transaction.
 */
final class RowConditions {

    private RowConditions() {
    }

    /** Why {@code condition} is not usable as a WHERE clause, or null when it is. */
    static String problem(String condition) {
        String lexical = lexical(condition);
        if (lexical != null) {
            return lexical;
        }
        try {
            CCJSqlParserUtil.parseCondExpression(condition, false);
        } catch (JSQLParserException | RuntimeException e) {
            return "'" + condition + "' is not a SQL condition (write it as a WHERE clause without 'WHERE', e.g."
                    + " status = 'paid' AND created_at >= '2024-01-01')";
        }
        return null;
    }

    /** Why {@code query} is not one read-only SELECT, or null when it is (or cannot be judged offline). */
    static String queryProblem(String query) {
        String q = stripTrailingSemicolon(query);
        String lexical = lexical(q);
        if (lexical != null) {
            return lexical;
        }
        String head = q.stripLeading().toLowerCase(java.util.Locale.ROOT);
        if (!head.startsWith("select") && !head.startsWith("with") && !head.startsWith("(")) {
            return "must be one SELECT (the rows it returns are the failures), not '" + firstWord(q) + "'";
        }
        try {
            Statement s = CCJSqlParserUtil.parse(q.replace("{batch}", "batch_table"));
            if (!(s instanceof Select)) {
                return "must be one SELECT";
            }
        } catch (JSQLParserException | RuntimeException e) {
            // MySQL dialect the parser does not know: the server judges it, in a read-only transaction.
        }
        return null;
    }

    static String stripTrailingSemicolon(String q) {
        String s = q.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }

    /** Rejects ';', comments and unbalanced parentheses outside string literals and quoted names. */
    private static String lexical(String sql) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            char next = i + 1 < sql.length() ? sql.charAt(i + 1) : 0;
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    i++;
                } else if (c == quote) {
                    if (next == quote) {
                        i++;
                    } else {
                        quote = 0;
                    }
                }
                continue;
            }
            switch (c) {
                case '\'', '"', '`' -> quote = c;
                case ';' -> {
                    return "contains ';' — only one statement or condition is allowed";
                }
                case '#' -> {
                    return "contains a comment ('#'); remove it";
                }
                case '-' -> {
                    if (next == '-') {
                        return "contains a comment ('--'); remove it";
                    }
                }
                case '/' -> {
                    if (next == '*') {
                        return "contains a comment ('/*'); remove it";
                    }
                }
                case '(' -> depth++;
                case ')' -> {
                    if (--depth < 0) {
                        return "has a ')' without its '('";
                    }
                }
                default -> { }
            }
        }
        if (quote != 0) {
            return "has an unterminated quote (" + quote + ")";
        }
        return depth != 0 ? "has unbalanced parentheses" : null;
    }

    private static String firstWord(String q) {
        String s = q.strip();
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }
}
