package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a goose SQL migration as goose does: the {@code -- +goose Up} section, statements ending at a
 * line that ends with {@code ;}, {@code StatementBegin}/{@code StatementEnd} blocks sent as one
 * statement, and {@code -- +goose NO TRANSACTION}. The Down section is not needed (we never migrate down).
 */
final class GooseParser {

    record Parsed(List<SqlStatement> up, boolean noTransaction) {
    }

    private GooseParser() {
    }

    static Parsed parse(String script, String fileName) {
        List<SqlStatement> up = new ArrayList<>();
        boolean noTransaction = false;
        boolean sawUp = false;
        boolean inUp = false;
        boolean inBlock = false;
        StringBuilder current = new StringBuilder();
        int startLine = -1;
        String[] lines = script.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            int lineNo = i + 1;
            String trimmed = raw.strip();
            if (trimmed.startsWith("-- +goose") || trimmed.startsWith("--+goose")) {
                String cmd = trimmed.substring(trimmed.indexOf("+goose") + "+goose".length()).strip().toUpperCase(Locale.ROOT);
                switch (cmd) {
                    case "UP" -> {
                        sawUp = true;
                        inUp = true;
                    }
                    case "DOWN" -> {
                        requireClosed(inBlock, current, startLine, fileName);
                        inUp = false;
                    }
                    case "STATEMENTBEGIN" -> {
                        if (inBlock) {
                            throw invalid(fileName, lineNo, "StatementBegin inside another StatementBegin block; close it with '-- +goose StatementEnd'");
                        }
                        requireClosed(false, current, startLine, fileName);
                        inBlock = true;
                    }
                    case "STATEMENTEND" -> {
                        if (!inBlock) {
                            throw invalid(fileName, lineNo, "StatementEnd without StatementBegin");
                        }
                        inBlock = false;
                        if (inUp) {
                            add(up, current, startLine);
                        }
                        current.setLength(0);
                        startLine = -1;
                    }
                    case "NO TRANSACTION" -> noTransaction = true;
                    default -> {
                        if (cmd.startsWith("ENVSUB")) {
                            throw invalid(fileName, lineNo, "'-- +goose " + cmd + "' (environment substitution) is not supported by dbpromote yet;"
                                    + " remove it and write the values into the migration");
                        }
                        throw invalid(fileName, lineNo, "unknown goose annotation '" + trimmed + "'; goose knows Up, Down,"
                                + " StatementBegin, StatementEnd, NO TRANSACTION");
                    }
                }
                continue;
            }
            if (!inUp) {
                continue;
            }
            if (startLine < 0 && (trimmed.isEmpty() || trimmed.startsWith("--") || trimmed.startsWith("#"))) {
                continue; // blank and comment lines between statements
            }
            if (startLine < 0) {
                startLine = lineNo;
            }
            current.append(raw).append('\n');
            if (!inBlock && endsWithSemicolon(trimmed)) {
                add(up, current, startLine);
                current.setLength(0);
                startLine = -1;
            }
        }
        if (!sawUp) {
            throw DbPromoteException.invalid(fileName + " looks like a goose migration but has no '-- +goose Up' annotation."
                    + " Add it above the statements to apply.");
        }
        if (inBlock) {
            throw DbPromoteException.invalid(fileName + ": '-- +goose StatementBegin' is never closed. Add '-- +goose StatementEnd'.");
        }
        requireClosed(false, current, startLine, fileName);
        return new Parsed(up, noTransaction);
    }

    private static void requireClosed(boolean inBlock, StringBuilder current, int startLine, String fileName) {
        if (!inBlock && startLine >= 0 && !current.toString().isBlank()) {
            throw invalid(fileName, startLine, "statement is not terminated with ';' (goose ends a statement at a line ending in ';',"
                    + " or use StatementBegin/StatementEnd)");
        }
    }

    private static boolean endsWithSemicolon(String line) {
        String code = line;
        int comment = code.indexOf("--");
        if (comment >= 0 && code.lastIndexOf('\'', comment) < 0) {
            code = code.substring(0, comment).strip();
        }
        return code.endsWith(";");
    }

    private static void add(List<SqlStatement> out, StringBuilder text, int startLine) {
        String sql = text.toString().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        if (!sql.isEmpty()) {
            out.add(new SqlStatement(out.size() + 1, startLine, sql));
        }
    }

    private static DbPromoteException invalid(String file, int line, String message) {
        return DbPromoteException.invalid(file + " line " + line + ": " + message + ".");
    }
}
