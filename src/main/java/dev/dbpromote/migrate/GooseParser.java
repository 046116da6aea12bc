package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads a goose SQL migration as goose's own parser does (pressly/goose {@code internal/sqlparser}):
 * the {@code -- +goose Up} section line by line, a statement ending at a line whose last word before a
 * {@code --} comment ends with {@code ;}, {@code StatementBegin}/{@code StatementEnd} blocks kept as one
 * string, {@code NO TRANSACTION}, {@code ENVSUB ON}/{@code OFF}, annotations in any letter case, and the
 * same refusals (SQL before Up, a second Up, an unterminated statement, an unclosed block, an unknown or
 * indented annotation). The Down section is never run, so only its structure is checked.
 *
 * <p>goose sends each statement as one string with the MySQL driver's multiStatements on, so a string
 * holding several statements runs them all; {@link #executable} splits each into the statements the
 * server runs, each with its own line, so a failure names its statement and a re-run resumes after it.
 */
final class GooseParser {

    /** A statement as goose sends it: trimmed text, the line its text starts on, and the raw lines. */
    record GooseStatement(String text, int line, String raw, boolean block) {
    }

    record Parsed(List<GooseStatement> up, boolean noTransaction) {

        /** The statements the server runs, in order, with their own lines (what we execute and resume over). */
        List<SqlStatement> executable() {
            return GooseParser.executable(up);
        }
    }

    private enum State { START, UP, UP_BLOCK, DOWN, DOWN_BLOCK }

    private static final List<String> ANNOTATIONS = List.of("Up", "Down", "StatementBegin", "StatementEnd", "NO TRANSACTION",
            "ENVSUB ON", "ENVSUB OFF");

    private GooseParser() {
    }

    static Parsed parse(String script, String fileName) {
        return parse(script, fileName, System::getenv);
    }

    /** @param env environment variables for {@code ENVSUB}: name to value, null when unset */
    static Parsed parse(String script, String fileName, Function<String, String> env) {
        return parse(script, fileName, env, true);
    }

    /** @param requireEnv an unset ENVSUB variable is an error; false substitutes it by nothing, as goose does */
    static Parsed parse(String script, String fileName, Function<String, String> env, boolean requireEnv) {
        List<GooseStatement> up = new ArrayList<>();
        boolean noTransaction = false;
        int envsubFrom = 0; // line of the ENVSUB ON in effect, 0 when off
        State state = State.START;
        StringBuilder buf = new StringBuilder();
        int bufLine = -1;
        int blockLine = -1;
        String[] lines = script.split("\r?\n", -1);
        int count = lines.length;
        if (count > 0 && lines[count - 1].isEmpty()) {
            count--; // a final line break does not start another line (bufio.Scanner)
        }
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            if (state == State.START && line.isBlank()) {
                continue;
            }
            if (line.strip().startsWith("--") && line.contains("+goose")) {
                String a = annotation(line, fileName, lineNo);
                switch (a) {
                    case "Up" -> {
                        if (state != State.START) {
                            throw invalid(fileName, lineNo, "a second '-- +goose Up'; a goose migration has one Up section"
                                    + " (goose refuses this file too)");
                        }
                        state = State.UP;
                    }
                    case "Down" -> {
                        if (state == State.UP) {
                            requireEmpty(buf, bufLine, fileName);
                        } else if (state == State.START) {
                            throw invalid(fileName, lineNo, "'-- +goose Down' before '-- +goose Up'; put the Up section first");
                        } else if (state == State.UP_BLOCK || state == State.DOWN_BLOCK) {
                            throw invalid(fileName, lineNo, "'-- +goose Down' inside the StatementBegin block opened at line "
                                    + blockLine + "; close it with '-- +goose StatementEnd' first");
                        } else {
                            throw invalid(fileName, lineNo, "a second '-- +goose Down'");
                        }
                        state = State.DOWN;
                    }
                    case "StatementBegin" -> {
                        if (state == State.UP) {
                            requireEmpty(buf, bufLine, fileName);
                            state = State.UP_BLOCK;
                        } else if (state == State.DOWN) {
                            state = State.DOWN_BLOCK;
                        } else if (state == State.START) {
                            throw invalid(fileName, lineNo, "'-- +goose StatementBegin' before '-- +goose Up'");
                        } else {
                            throw invalid(fileName, lineNo, "StatementBegin inside the StatementBegin block opened at line "
                                    + blockLine + "; close it with '-- +goose StatementEnd'");
                        }
                        blockLine = lineNo;
                    }
                    case "StatementEnd" -> {
                        if (state == State.UP_BLOCK) {
                            if (!buf.toString().isBlank()) {
                                up.add(new GooseStatement(buf.toString().strip(), bufLine, buf.toString(), true));
                            }
                            state = State.UP;
                        } else if (state == State.DOWN_BLOCK) {
                            state = State.DOWN;
                        } else {
                            throw invalid(fileName, lineNo, "'-- +goose StatementEnd' without a StatementBegin before it");
                        }
                        buf.setLength(0);
                        bufLine = -1;
                    }
                    case "NO TRANSACTION" -> noTransaction = true;
                    case "ENVSUB ON" -> envsubFrom = lineNo;
                    default -> envsubFrom = 0; // ENVSUB OFF
                }
                continue;
            }
            // Before a statement starts, comment lines and empty lines are dropped; inside one they are kept.
            if (buf.isEmpty() && (line.strip().startsWith("--") || line.isEmpty())) {
                continue;
            }
            if (state == State.START) {
                throw invalid(fileName, lineNo, "SQL before '-- +goose Up'. Put '-- +goose Up' above the statements to apply");
            }
            if (state == State.DOWN || state == State.DOWN_BLOCK) {
                continue; // never run; goose discards it when migrating up
            }
            if (envsubFrom > 0) {
                line = Envsub.expand(line, env, fileName, lineNo, envsubFrom, requireEnv);
            }
            if (bufLine < 0) {
                bufLine = lineNo;
            }
            buf.append(line).append('\n');
            if (state == State.UP && endsWithSemicolon(line)) {
                up.add(new GooseStatement(buf.toString().strip(), bufLine, buf.toString(), false));
                buf.setLength(0);
                bufLine = -1;
            }
        }
        if (state == State.START) {
            throw DbPromoteException.invalid(fileName + " looks like a goose migration but has no '-- +goose Up' annotation."
                    + " Add it above the statements to apply.");
        }
        if (state == State.UP_BLOCK || state == State.DOWN_BLOCK) {
            throw invalid(fileName, blockLine, "'-- +goose StatementBegin' is never closed. Add '-- +goose StatementEnd'");
        }
        requireEmpty(buf, bufLine, fileName);
        return new Parsed(up, noTransaction);
    }

    /** goose's extractAnnotation: the line must start with {@code --}, one {@code +goose}, a known name in any case. */
    private static String annotation(String line, String fileName, int lineNo) {
        if (line.startsWith(" ") || line.startsWith("\t")) {
            throw invalid(fileName, lineNo, "goose annotation '" + line.strip() + "' is indented; goose refuses it."
                    + " Start the line with '-- +goose'");
        }
        String cmd = line.replace("--", "").replaceFirst("\\+goose", "");
        if (cmd.contains("+goose")) {
            throw invalid(fileName, lineNo, "more than one '+goose' on one line; goose refuses it");
        }
        cmd = cmd.strip();
        for (String a : ANNOTATIONS) {
            if (a.equalsIgnoreCase(cmd)) {
                return a;
            }
        }
        if (cmd.toUpperCase(Locale.ROOT).startsWith("ENVSUBST")) {
            throw invalid(fileName, lineNo, "'-- +goose " + cmd + "' is not a goose annotation; goose's is '-- +goose ENVSUB ON'"
                    + " / '-- +goose ENVSUB OFF'");
        }
        throw invalid(fileName, lineNo, (cmd.isEmpty() ? "empty goose annotation" : "unknown goose annotation '" + cmd + "'")
                + "; goose knows " + String.join(", ", ANNOTATIONS) + " (a comment that merely mentions +goose is refused by goose"
                + " too; reword it)");
    }

    private static void requireEmpty(StringBuilder buf, int bufLine, String fileName) {
        if (!buf.toString().isBlank()) {
            throw invalid(fileName, bufLine, "statement is not terminated with ';' (goose ends a statement at a line ending in ';',"
                    + " or use StatementBegin/StatementEnd)");
        }
    }

    /**
     * goose's rule: the last whitespace-separated word before a word starting with {@code --} ends with
     * {@code ;}. A {@code --} inside a quoted string is not a comment (goose #699).
     */
    static boolean endsWithSemicolon(String line) {
        String prev = "";
        char quote = 0;
        for (String word : line.strip().split("\\s+")) {
            if (quote == 0 && word.startsWith("--")) {
                break;
            }
            for (int k = 0; k < word.length(); k++) {
                char c = word.charAt(k);
                if (quote == 0 && (c == '\'' || c == '"' || c == '`')) {
                    quote = c;
                } else if (c == quote) {
                    quote = 0;
                }
            }
            prev = word;
        }
        return prev.endsWith(";");
    }

    /** Splits each goose statement into the statements the server runs (multiStatements), with their lines. */
    static List<SqlStatement> executable(List<GooseStatement> statements) {
        List<SqlStatement> out = new ArrayList<>();
        for (GooseStatement g : statements) {
            for (SqlStatement s : SqlSplitter.splitServerSide(g.raw(), g.line())) {
                out.add(new SqlStatement(out.size() + 1, s.line(), s.sql()));
            }
        }
        return out;
    }

    private static DbPromoteException invalid(String file, int line, String message) {
        return DbPromoteException.invalid(file + " line " + line + ": " + message + ".");
    }
}
