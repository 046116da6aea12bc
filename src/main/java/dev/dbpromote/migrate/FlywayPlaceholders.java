package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flyway's placeholder replacement for Flyway-format SQL: every {@code ${name}} in the file — comments
 * and strings included, as Flyway's PlaceholderReplacingReader does it — is replaced by its value; names
 * match in any case. An unknown name is an error (Flyway's "No value provided for placeholder"), here
 * with the file and line. The checksum stays that of the file as written, as in Flyway.
 */
final class FlywayPlaceholders {

    private FlywayPlaceholders() {
    }

    /**
     * @param values placeholder values, including Flyway's {@code flyway:…} defaults
     * @param file the file name, also {@code ${flyway:filename}}
     */
    static String replace(String text, Map<String, String> values, String file) {
        if (!text.contains("${")) {
            return text;
        }
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(values);
        byName.put("flyway:filename", file);
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                out.append(text, i, text.length()); // no closing brace: not a placeholder
                break;
            }
            String name = text.substring(start + 2, end);
            String value = byName.get(name);
            if (value == null) {
                int line = 1 + (int) text.substring(0, start).chars().filter(c -> c == '\n').count();
                String known = byName.keySet().stream().filter(k -> !k.toLowerCase(Locale.ROOT).startsWith("flyway:")).toList().toString();
                throw DbPromoteException.invalid(file + " line " + line + ": no value for placeholder ${" + name + "}. Set"
                        + " migrations.placeholders." + name + " in dbpromote.yaml (defined: " + known + "; Flyway's own ones are"
                        + " ${flyway:defaultSchema}, ${flyway:user}, ${flyway:database}, ${flyway:timestamp}, ${flyway:filename},"
                        + " ${flyway:workingDirectory}, ${flyway:table}, ${flyway:environment}). Flyway replaces ${…} everywhere in"
                        + " a migration, comments and strings included; to keep it literally, set migrations.placeholderReplacement:"
                        + " false.");
            }
            out.append(text, i, start).append(value);
            i = end + 1;
        }
        return out.toString();
    }
}
