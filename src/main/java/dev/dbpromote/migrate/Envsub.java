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

    private Envsub() {
    }

    static String expand(String line, Function<String, String> env, String file, int lineNo, int onLine) {
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
                    throw error(file, lineNo, "'${' without a closing '}'");
                }
                out.append(braced(line.substring(i + 2, close), env, file, lineNo, onLine));
                i = close + 1;
                continue;
            }
            if (isNameStart(next)) {
                int end = i + 1;
                while (end < n && isNamePart(line.charAt(end))) {
                    end++;
                }
                out.append(value(line.substring(i + 1, end), env, file, lineNo, onLine));
                i = end;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String braced(String expr, Function<String, String> env, String file, int lineNo, int onLine) {
        int end = 0;
        while (end < expr.length() && isNamePart(expr.charAt(end))) {
            end++;
        }
        String name = expr.substring(0, end);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw error(file, lineNo, "'${" + expr + "}' is not a variable reference; use ${NAME}, ${NAME:-default} or \\$ for a"
                    + " literal '$'");
        }
        String rest = expr.substring(end);
        String value = env.apply(name);
        if (rest.isEmpty()) {
            return value(name, env, file, lineNo, onLine);
        }
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(1) : rest;
        boolean missing = value == null || colon && value.isEmpty();
        if (op.startsWith("-")) {
            return missing ? expand(op.substring(1), env, file, lineNo, onLine) : value;
        }
        if (op.startsWith("?")) {
            if (missing) {
                String message = op.substring(1).isEmpty() ? "not set" : op.substring(1);
                throw error(file, lineNo, "$" + name + ": " + message + " (required by ${" + expr + "})");
            }
            return value;
        }
        throw error(file, lineNo, "'${" + expr + "}' uses an expansion dbpromote does not support; use ${NAME}, ${NAME:-default},"
                + " ${NAME-default} or ${NAME:?message}");
    }

    private static String value(String name, Function<String, String> env, String file, int lineNo, int onLine) {
        String value = env.apply(name);
        if (value == null) {
            throw error(file, lineNo, "environment variable " + name + " is not set ('-- +goose ENVSUB ON' at line " + onLine
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

    private static DbPromoteException error(String file, int line, String message) {
        return DbPromoteException.invalid(file + " line " + line + ": " + message + ".");
    }
}
