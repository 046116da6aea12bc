package dev.dbpromote.clone;

import dev.dbpromote.config.MaskRules;
import java.util.Optional;

/**
 * One masking rule from config ({@code table.column: rule}): {@code null}, {@code hash} (SHA-256 hex,
 * cut to the column's length), {@code email} ({@code u<hash>@example.invalid}), {@code fixed:<value>} or
 * {@code sql:<expression>} (the column may be referenced by name). NULLs stay NULL except for {@code null}
 * and {@code sql:}.
 */
public record MaskRule(String table, String column, Type type, String argument) {

    public enum Type { NULL, HASH, EMAIL, FIXED, SQL }

    /** The rule, or an explanation of what is wrong with it (used by config validation). */
    public static MaskRule parse(String target, String rule) {
        Optional<String> problem = check(target, rule);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return build(target, rule);
    }

    /** A problem with the rule, worded for a config error, or empty when it is valid. */
    public static Optional<String> check(String target, String rule) {
        return MaskRules.check(target, rule);
    }

    private static MaskRule build(String target, String rule) {
        int dot = target.indexOf('.');
        String r = rule.trim();
        Type type;
        String arg = null;
        if (r.startsWith("fixed:")) {
            type = Type.FIXED;
            arg = r.substring(6);
        } else if (r.startsWith("sql:")) {
            type = Type.SQL;
            arg = r.substring(4).trim();
        } else {
            type = Type.valueOf(r.toUpperCase(java.util.Locale.ROOT));
        }
        return new MaskRule(target.substring(0, dot), target.substring(dot + 1), type, arg);
    }

    /** The SQL expression that replaces the column's value. */
    String expression(Integer maxLength) {
        String col = "`" + column + "`";
        return switch (type) {
            case NULL -> "NULL";
            case HASH -> "CASE WHEN " + col + " IS NULL THEN NULL ELSE "
                    + (maxLength == null ? "SHA2(" + col + ", 256)" : "LEFT(SHA2(" + col + ", 256), " + maxLength + ")") + " END";
            case EMAIL -> "CASE WHEN " + col + " IS NULL THEN NULL ELSE CONCAT('u', LEFT(SHA2(" + col
                    + ", 256), 16), '@example.invalid') END";
            case FIXED -> "'" + argument.replace("\\", "\\\\").replace("'", "''") + "'";
            case SQL -> argument;
        };
    }
}
