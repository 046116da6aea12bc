package dev.dbpromote.jenkins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sf.json.JSONArray;
import net.sf.json.JSONException;
import net.sf.json.JSONNull;
import net.sf.json.JSONObject;
import net.sf.json.JSONSerializer;

/**
 * The engine's {@code --output json} result as plain {@link LinkedHashMap}/{@link ArrayList}/String/Number/Boolean
 * values, so a Pipeline can keep it in a variable (CPS-serializable) and read it in the sandbox.
 */
final class EngineJson {
    private EngineJson() {
    }

    /** The JSON object on stdout; an empty map when stdout is not a JSON object (as the library's parseJson). */
    static Map<String, Object> parse(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            Object json = JSONSerializer.toJSON(text.trim());
            Object plain = plain(json);
            if (plain instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) plain;
                return map;
            }
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("value", plain);
            return wrapped;
        } catch (JSONException e) {
            return new LinkedHashMap<>();
        }
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof JSONNull || (value instanceof JSONObject o && o.isNullObject())) {
            return null;
        }
        if (value instanceof JSONObject o) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Object key : o.keySet()) {
                map.put(key.toString(), plain(o.get(key)));
            }
            return map;
        }
        if (value instanceof JSONArray a) {
            List<Object> list = new ArrayList<>();
            for (Object item : a) {
                list.add(plain(item));
            }
            return list;
        }
        return value;
    }

    /** What the engine said went wrong: {@code problem}, {@code error}, {@code message} or {@code summary}; "" if none. */
    static String message(Map<String, Object> result) {
        for (String key : List.of("problem", "error", "message", "summary")) {
            Object m = result.get(key);
            if (m != null && !m.toString().isEmpty()) {
                return m.toString();
            }
        }
        return "";
    }
}
