package dev.dbpromote.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Syntax of masking rules in {@code database.mask} ({@code table.column: null | hash | email | fixed:<v> |
 * sql:<expr>}), checked when the config is loaded so a typo is reported with its line, before any clone exists.
 */
public final class MaskRules {

    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9_$]{1,64}\\.[A-Za-z0-9_$]{1,64}");

    private MaskRules() {
    }

    /** A problem with the rule, worded for a config error, or empty when it is valid. */
    public static Optional<String> check(String target, String rule) {
        if (target == null || !TARGET.matcher(target).matches()) {
            return Optional.of("mask key '" + target + "' must be 'table.column' (letters, digits, _ or $)");
        }
        if (rule == null || rule.isBlank()) {
            return Optional.of("mask rule for '" + target + "' is empty; use null, hash, email, fixed:<value> or sql:<expression>");
        }
        String r = rule.trim();
        if (r.equals("null") || r.equals("hash") || r.equals("email") || r.startsWith("fixed:")) {
            return Optional.empty();
        }
        if (r.startsWith("sql:")) {
            String expr = r.substring(4).trim();
            if (expr.isEmpty()) {
                return Optional.of("mask rule for '" + target + "' is 'sql:' with no expression; write e.g. sql:CONCAT('user', id)");
            }
            if (expr.contains(";")) {
                return Optional.of("mask rule for '" + target + "': the sql: expression must be one expression, without ';'");
            }
            return Optional.empty();
        }
        return Optional.of("unknown mask rule '" + rule + "' for '" + target
                + "'; use null, hash, email, fixed:<value> or sql:<expression>");
    }

}
