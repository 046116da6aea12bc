package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits a MySQL script into statements with their start lines: quotes ({@code '…'}, {@code "…"},
 * {@code `…`}, with backslash and doubled-quote escapes), comments ({@code -- }, {@code #},
 * {@code /* … *}{@code /}), the client's {@code DELIMITER} command and stored-program bodies.
 *
 * <ul>
 * <li>{@code DELIMITER} follows the mysql client: a line whose first word is {@code DELIMITER}
 *     (any case), outside strings and comments, when no statement text is pending (comments before it
 *     do not count). Its argument is the first word after it.</li>
 * <li>{@code --} starts a comment only when followed by whitespace, a control character or the end of
 *     the line ({@code --} alone on a line is a comment, {@code 1--1} is arithmetic), as the mysql
 *     client and server read it.</li>
 * <li>{@code CREATE PROCEDURE|FUNCTION|TRIGGER|EVENT} bodies: {@code ;} inside {@code BEGIN … END}
 *     (and {@code CASE … END}) does not end the statement, as Flyway's MySQL parser reads it and as the
 *     server itself splits a multi-statement string (which is how goose sends a StatementBegin block).
 *     Only while the delimiter is {@code ;}: with {@code DELIMITER //} the file says where statements end.</li>
 * </ul>
 *
 * <p>Written here rather than taken from a library because we need each statement's line for lint
 * findings, failure messages and resuming; JSqlParser's statement splitter drops positions and stops at
 * the first statement it cannot parse, and Flyway's parser is internal API.
 */
public final class SqlSplitter {

    private static final Pattern STORED_PROGRAM = Pattern.compile(
            "(?is)^CREATE\\s+(OR\\s+REPLACE\\s+)?(DEFINER\\s*=\\s*\\S+\\s+)?(AGGREGATE\\s+)?(PROCEDURE|FUNCTION|EVENT|TRIGGER)\\b.*");

    private SqlSplitter() {
    }

    /** A Flyway (or plain mysql-client) script: {@code DELIMITER} lines are honoured. */
    public static List<SqlStatement> split(String script) {
        return new Scan(script, 1, true).run();
    }

    /**
     * The statements the server runs for one string sent with multi-statements on (how goose sends
     * each statement): no client commands, lines counted from {@code firstLine}.
     */
    static List<SqlStatement> splitServerSide(String text, int firstLine) {
        return new Scan(text, firstLine, false).run();
    }

    private static final class Scan {
        private final String s;
        private final int n;
        private final boolean clientCommands;
        private final List<SqlStatement> out = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private String delimiter = ";";
        private int line;
        private int startLine = -1;
        private int parens;
        private int blockDepth;
        private String lastWord = "";
        private Boolean storedProgram;

        Scan(String s, int firstLine, boolean clientCommands) {
            this.s = s;
            this.n = s.length();
            this.line = firstLine;
            this.clientCommands = clientCommands;
        }

        List<SqlStatement> run() {
            int i = 0;
            boolean atLineStart = true;
            while (i < n) {
                if (atLineStart && clientCommands) {
                    int next = delimiterCommand(i);
                    if (next >= 0) {
                        i = next;
                        continue;
                    }
                }
                atLineStart = false;
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    atLineStart = true;
                    current.append(c);
                    i++;
                    continue;
                }
                if (isLineComment(i)) {
                    int eol = s.indexOf('\n', i);
                    int end = eol < 0 ? n : eol;
                    current.append(s, i, end);
                    i = end;
                    continue;
                }
                if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    int close = s.indexOf("*/", i + 2);
                    int end = close < 0 ? n : close + 2;
                    String comment = s.substring(i, end);
                    if ((comment.startsWith("/*!") || comment.startsWith("/*+")) && startLine < 0) {
                        startLine = line; // executable comment or optimizer hint: it is code
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
                    int end = endOfQuoted(s, i, c);
                    String quoted = s.substring(i, end);
                    line += count(quoted, '\n');
                    current.append(quoted);
                    lastWord = "";
                    i = end;
                    continue;
                }
                if (s.startsWith(delimiter, i)) {
                    if (blockDepth > 0 && parens == 0 && lastWord.equals("END")) {
                        blockDepth--; // "END;" closes the block the END belongs to
                    }
                    if (blockDepth == 0) {
                        flush();
                        i += delimiter.length();
                        continue;
                    }
                }
                if (isWordChar(c)) {
                    int end = i;
                    while (end < n && isWordChar(s.charAt(end)) && !s.startsWith(delimiter, end)) {
                        end++; // "END$$" with DELIMITER $$: the word stops where the delimiter starts
                    }
                    if (startLine < 0) {
                        startLine = line;
                    }
                    current.append(s, i, end);
                    word(s.substring(i, end).toUpperCase(Locale.ROOT));
                    i = end;
                    continue;
                }
                if (c == '(') {
                    parens++;
                } else if (c == ')' && parens > 0) {
                    parens--;
                }
                if (!Character.isWhitespace(c)) {
                    if (startLine < 0) {
                        startLine = line;
                    }
                    lastWord = "";
                }
                current.append(c);
                i++;
            }
            flush();
            return out;
        }

        /** Block depth as Flyway's MySQL parser keeps it: BEGIN and CASE open, END (not END IF/LOOP/…) closes. */
        private void word(String w) {
            if (parens == 0 && delimiter.equals(";")) {
                if (blockDepth > 0 && lastWord.equals("END") && !w.equals("IF") && !w.equals("LOOP") && !w.equals("REPEAT")
                        && !w.equals("WHILE")) {
                    blockDepth--;
                }
                if ((w.equals("BEGIN") || w.equals("CASE") && !lastWord.equals("END")) && storedProgram()) {
                    blockDepth++;
                }
            }
            lastWord = w;
        }

        private boolean storedProgram() {
            if (storedProgram == null) {
                storedProgram = STORED_PROGRAM.matcher(trimLeadingComments(current.toString())).matches();
            }
            return storedProgram;
        }

        /** At a line start: a DELIMITER command line returns the index after it, otherwise -1. */
        private int delimiterCommand(int i) {
            int p = i;
            while (p < n && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
                p++;
            }
            if (!s.regionMatches(true, p, "DELIMITER", 0, 9) || p + 9 < n && !Character.isWhitespace(s.charAt(p + 9))) {
                return -1;
            }
            int eol = s.indexOf('\n', p);
            int end = eol < 0 ? n : eol;
            String arg = s.substring(p + 9, end).strip();
            if (startLine >= 0 && !trimLeadingComments(current.toString()).isBlank()) {
                throw DbPromoteException.invalid("line " + line + ": DELIMITER while the statement starting at line " + startLine
                        + " is not ended; end it with '" + delimiter + "' before changing the delimiter");
            }
            if (arg.isEmpty()) {
                throw DbPromoteException.invalid("line " + line + ": DELIMITER needs the new delimiter, e.g. 'DELIMITER //'"
                        + " and later 'DELIMITER ;'");
            }
            delimiter = arg.split("\\s+")[0];
            current.setLength(0); // comments before the command belong to no statement
            startLine = -1;
            return end;
        }

        private boolean isLineComment(int i) {
            char c = s.charAt(i);
            if (c == '#') {
                return true;
            }
            if (c != '-' || i + 1 >= n || s.charAt(i + 1) != '-') {
                return false;
            }
            if (i + 2 >= n) {
                return true;
            }
            char after = s.charAt(i + 2);
            return Character.isWhitespace(after) || Character.isISOControl(after);
        }

        private void flush() {
            if (startLine >= 0) {
                String sql = trimLeadingComments(current.toString()).strip();
                if (!sql.isEmpty()) {
                    out.add(new SqlStatement(out.size() + 1, startLine, sql));
                }
            }
            current.setLength(0);
            startLine = -1;
            parens = 0;
            blockDepth = 0;
            lastWord = "";
            storedProgram = null;
        }
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Drops comment lines before the statement proper, so the SQL starts with its keyword. */
    static String trimLeadingComments(String s) {
        String t = s.stripLeading();
        while (true) {
            if (t.startsWith("#") || t.startsWith("--") && (t.length() == 2 || Character.isWhitespace(t.charAt(2))
                    || Character.isISOControl(t.charAt(2)))) {
                int eol = t.indexOf('\n');
                t = eol < 0 ? "" : t.substring(eol + 1).stripLeading();
            } else if (t.startsWith("/*") && !t.startsWith("/*!") && !t.startsWith("/*+")) {
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
