package dev.dbpromote.config;

import dev.dbpromote.core.DbPromoteException;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} placeholders, as in shells and Compose files.
 * {@code $${NAME}} stays literal. Names in {@link #RUNTIME} are values only a step knows
 * ({@code ${PR}} in a namespace) and are left for {@link #resolveRuntime} at that point.
 */
public final class Placeholders {

    /** Filled in by the step that runs, not from the environment when the config is read. */
    public static final Set<String> RUNTIME = Set.of(
            "PR", "APP", "ENV", "IMAGE", "NAMESPACE", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SECRET");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private Placeholders() {
    }

    /** Thrown for a placeholder with no value and no default; carries the name for the caller's message. */
    public static final class UnsetException extends RuntimeException {
        private final String name;

        UnsetException(String name) {
            super("${" + name + "} is not set");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    /** Resolves from {@code lookup}, leaving {@link #RUNTIME} names untouched. */
    public static String resolveFromEnvironment(String text, Function<String, String> lookup) {
        return replace(text, name -> RUNTIME.contains(name) ? null : lookup.apply(name), true);
    }

    /**
     * Resolves runtime values (and anything else in {@code values}); an unresolved one is an error
     * naming it and the values that are known.
     */
    public static String resolveRuntime(String text, Map<String, String> values, String where) {
        try {
            return replace(text, values::get, false);
        } catch (UnsetException e) {
            throw DbPromoteException.invalid("Placeholder ${" + e.name() + "} in " + where
                    + " has no value. Known here: " + new java.util.TreeSet<>(values.keySet())
                    + ". Use one of them, or add it under deploy.vars in dbpromote.yaml.");
        }
    }

    private static String replace(String text, Function<String, String> lookup, boolean keepUnknownRuntime) {
        if (text == null || text.indexOf('$') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2);
            String replacement;
            if (!m.group(1).isEmpty()) {
                replacement = m.group().substring(1); // $${X} -> ${X}
            } else if (keepUnknownRuntime && RUNTIME.contains(name)) {
                replacement = m.group();
            } else {
                String value = lookup.apply(name);
                if (value == null) {
                    value = m.group(3);
                }
                if (value == null) {
                    throw new UnsetException(name);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
