package dev.dbpromote.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a MySQL script into statements with their start lines: quotes ({@code '…'}, {@code "…"},
 * {@code `…`}, with backslash and doubled-quote escapes), comments ({@code -- }, {@code #},
 * {@code /* … *}{@code /}) and the client's {@code DELIMITER} command, as the mysql client does.
 *
 * <p>Written here rather than taken from a library because we need each statement's line for lint
 * findings and failure messages; JSqlParser's statement splitter drops positions and stops at the
 * first statement it cannot parse, and Flyway's parser is internal API.
 */
public final class SqlSplitter {

    private SqlSplitter() {
    }

    public static List<SqlStatement> split(String script) {
        List<SqlStatement> out = new ArrayList<>();
        String delimiter = ";";
        StringBuilder current = new StringBuilder();
        int startLine = -1;
        int line = 1;
        int i = 0;
        int n = script.length();
        boolean atLineStart = true;
        while (i < n) {
            char c = script.charAt(i);
            if (atLineStart && current.toString().isBlank()) {
                // DELIMITER is a client command, valid only at the start of a line between statements.
                int eol = script.indexOf('\n', i);
                String rest = script.substring(i, eol < 0 ? n : eol).strip();
                if (rest.toUpperCase(Locale.ROOT).startsWith("DELIMITER ") || rest.equalsIgnoreCase("DELIMITER")) {
                    String d = rest.substring("DELIMITER".length()).strip();
                    if (!d.isEmpty()) {
                        delimiter = d;
                    }
                    i = eol < 0 ? n : eol;
                    continue;
                }
            }
            atLineStart = false;
            if (c == '\n') {
                line++;
                atLineStart = true;
                current.append(c);
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-' && (i + 2 >= n || Character.isWhitespace(script.charAt(i + 2)))
                    || c == '#') {
                int eol = script.indexOf('\n', i);
                int end = eol < 0 ? n : eol;
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int close = script.indexOf("*/", i + 2);
                int end = close < 0 ? n : close + 2;
                String comment = script.substring(i, end);
                boolean executable = comment.startsWith("/*!");
                if (executable && startLine < 0) {
                    startLine = line;
                }
                line += count(comment, '\n');
                current.append(comment);
                i = end;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                if (startLine < 0) {
                    startLine = line;
                }
                int end = endOfQuoted(script, i, c);
                String quoted = script.substring(i, end);
                line += count(quoted, '\n');
                current.append(quoted);
                i = end;
                continue;
            }
            if (script.startsWith(delimiter, i)) {
                add(out, current, startLine);
                current.setLength(0);
                startLine = -1;
                i += delimiter.length();
                continue;
            }
            if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            current.append(c);
            i++;
        }
        add(out, current, startLine);
        return out;
    }

    private static void add(List<SqlStatement> out, StringBuilder text, int startLine) {
        if (startLine < 0) {
            return; // only whitespace and comments
        }
        String sql = trimLeadingComments(text.toString()).strip();
        if (!sql.isEmpty()) {
            out.add(new SqlStatement(out.size() + 1, startLine, sql));
        }
    }

    /** Drops comment lines before the statement proper, so the SQL starts with its keyword. */
    private static String trimLeadingComments(String s) {
        String t = s.stripLeading();
        while (true) {
            if (t.startsWith("--") || t.startsWith("#")) {
                int eol = t.indexOf('\n');
                t = eol < 0 ? "" : t.substring(eol + 1).stripLeading();
            } else if (t.startsWith("/*") && !t.startsWith("/*!")) {
                int close = t.indexOf("*/");
                t = close < 0 ? "" : t.substring(close + 2).stripLeading();
            } else {
                return t;
            }
        }
    }

    private static int endOfQuoted(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }
}
