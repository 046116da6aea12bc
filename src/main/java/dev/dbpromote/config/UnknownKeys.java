package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dbpromote.core.DbPromoteException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every unknown key in a config tree before binding, by walking the config records' components
 * (and refuses placeholders in keys that name where a password is).
 * Jackson reports unknown keys of constructor-bound records only after the object is built, so a
 * typo in a required key would otherwise surface as "missing key" instead of "did you mean".
 */
final class UnknownKeys {

    /** Keys whose value names where a secret is; a placeholder there would put the secret itself in config. */
    private static final java.util.Set<String> NAME_ONLY_KEYS = java.util.Set.of("passwordEnv", "passwordFile");

    private UnknownKeys() {
    }

    static void check(JsonNode tree, Class<?> type, YamlLines lines, Path file) {
        List<String> problems = new ArrayList<>();
        walk(tree, type, "", lines, problems);
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid(file + ": " + (problems.size() == 1 ? problems.get(0)
                    : problems.size() + " unknown keys:\n  - " + String.join("\n  - ", problems)));
        }
    }

    private static void walk(JsonNode node, Type type, String path, YamlLines lines, List<String> problems) {
        if (node == null || !node.isObject()) {
            return;
        }
        Class<?> raw = raw(type);
        if (Map.class.isAssignableFrom(raw) && type instanceof ParameterizedType p) {
            Type value = p.getActualTypeArguments()[1];
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), value, join(path, e.getKey()), lines, problems);
            }
            return;
        }
        if (!raw.isRecord()) {
            return;
        }
        Map<String, Type> known = new LinkedHashMap<>();
        for (RecordComponent c : raw.getRecordComponents()) {
            // @JsonProperty targets fields, methods and parameters, so it lands on the accessor, not the component.
            JsonProperty jp = c.getAccessor().getAnnotation(JsonProperty.class);
            if (jp != null && jp.access() == JsonProperty.Access.READ_ONLY) {
                continue;
            }
            known.put(jp != null && !jp.value().isEmpty() ? jp.value() : c.getName(), c.getGenericType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = join(path, e.getKey());
            if (NAME_ONLY_KEYS.contains(e.getKey()) && e.getValue().isTextual() && e.getValue().asText().contains("${")) {
                // Checked on the raw text: resolved, '${ORDERS_DB_PASSWORD}' would be the password itself,
                // and every later message naming the variable or file would print it.
                int line = lines.line(p);
                problems.add(e.getKey() + (line > 0 ? " at line " + line : "") + " (in '" + path + "') takes the NAME of the"
                        + (e.getKey().equals("passwordEnv") ? " environment variable" : " file") + ", not a ${...} placeholder:"
                        + " write " + e.getKey() + ": " + (e.getKey().equals("passwordEnv") ? "ORDERS_DB_PASSWORD" : "secrets/db-password")
                        + " (dbpromote reads the value from it).");
                continue;
            }
            Type t = known.get(e.getKey());
            if (t == null) {
                int line = lines.line(p);
                String suggestion = ConfigLoader.closest(e.getKey(), List.copyOf(known.keySet()));
                problems.add("unknown key '" + e.getKey() + "'" + (line > 0 ? " at line " + line : "")
                        + " (in " + (path.isEmpty() ? "the top level" : "'" + path + "'") + ")"
                        + (suggestion != null ? "; did you mean '" + suggestion + "'?" : "")
                        + " Valid keys here: " + String.join(", ", known.keySet().stream().sorted().toList()) + ".");
            } else {
                walk(e.getValue(), t, p, lines, problems);
            }
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }
}
