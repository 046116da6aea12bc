package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.util.function.Function;

/**
 * goose's {@code -- +goose ENVSUB ON} substitution, with the syntax of the library goose uses
 * (mfridman/interpolate, shell-like): {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-default}} (unset or
 * empty), {@code ${NAME-default}} (unset), {@code ${NAME:?message}} / {@code ${NAME?message}} (refuse),
 * and {@code \$} or {@code $$} for a literal {@code $}; a {@code $} not followed by a name stays as it is.
 *
 * <p>One deliberate difference: goose substitutes an unset variable without a default by an empty
 * string, which silently turns {@code CREATE TABLE ${PREFIX}orders} into another table name. dbpromote
 * refuses it (exit 2) and names the variable, file and line.
 */
final class Envsub {

    private final Function<String, String> env;
    private final String file;
    private final int lineNo;
    private final int onLine;
    private final boolean strict;

    private Envsub(Function<String, String> env, String file, int lineNo, int onLine, boolean strict) {
        this.env = env;
        this.file = file;
        this.lineNo = lineNo;
        this.onLine = onLine;
        this.strict = strict;
    }

    static String expand(String line, Function<String, String> env, String file, int lineNo, int onLine) {
        return expand(line, env, file, lineNo, onLine, true);
    }

    /** @param strict an unset variable without default is an error; otherwise it is empty, as in goose */
    static String expand(String line, Function<String, String> env, String file, int lineNo, int onLine, boolean strict) {
        return new Envsub(env, file, lineNo, onLine, strict).expand(line);
    }

    private String expand(String line) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (c != '$' || i + 1 >= n) {
                out.append(c);
                i++;
                continue;
            }
            char next = line.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (next == '{') {
                int close = line.indexOf('}', i + 2);
                if (close < 0) {
                    throw error("'${' without a closing '}'");
                }
                out.append(braced(line.substring(i + 2, close)));
                i = close + 1;
                continue;
            }
            if (isNameStart(next)) {
                int end = i + 1;
                while (end < n && isNamePart(line.charAt(end))) {
                    end++;
                }
                out.append(value(line.substring(i + 1, end)));
                i = end;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private String braced(String expr) {
        int end = 0;
        while (end < expr.length() && isNamePart(expr.charAt(end))) {
            end++;
        }
        String name = expr.substring(0, end);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw error("'${" + expr + "}' is not a variable reference; use ${NAME}, ${NAME:-default} or \\$ for a literal '$'");
        }
        String rest = expr.substring(end);
        String value = env.apply(name);
        if (rest.isEmpty()) {
            return value(name);
        }
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(1) : rest;
        boolean missing = value == null || colon && value.isEmpty();
        if (op.startsWith("-")) {
            return missing ? expand(op.substring(1)) : value;
        }
        if (op.startsWith("?")) {
            if (missing) {
                String message = op.substring(1).isEmpty() ? "not set" : op.substring(1);
                throw error("$" + name + ": " + message + " (required by ${" + expr + "})");
            }
            return value;
        }
        throw error("'${" + expr + "}' uses an expansion dbpromote does not support; use ${NAME}, ${NAME:-default},"
                + " ${NAME-default} or ${NAME:?message}");
    }

    private String value(String name) {
        String value = env.apply(name);
        if (value == null) {
            if (!strict) {
                return "";
            }
            throw error("environment variable " + name + " is not set ('-- +goose ENVSUB ON' at line " + onLine
                    + " substitutes it). Set it, or give a default: ${" + name + ":-value}");
        }
        return value;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }

    private DbPromoteException error(String message) {
        return DbPromoteException.invalid(file + " line " + lineNo + ": " + message + ".");
    }
}
