package dev.dbpromote.env;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags dbpromote puts on everything it creates (AWS tags; for MySQL-server clones the same pairs in
 * the marker table). Nothing is modified or deleted unless {@link #isManaged(Map)}.
 */
public final class ManagedTags {

    public static final String MANAGED_BY = "dbpromote:managed-by";
    public static final String APP = "dbpromote:app";
    public static final String ENV = "dbpromote:env";
    public static final String PR = "dbpromote:pr";
    public static final String EXPIRES_AT = "dbpromote:expires-at";
    public static final String CREATED_BY = "dbpromote:created-by";
    /** {@code ready} once masking succeeded; a clone without it is never handed out or reused. */
    public static final String STATE = "dbpromote:state";
    /**
     * The database (schema) of a cloud clone that holds the data, decided once when the clone gets its
     * credential; {@code env show} and {@code env list} read it back instead of guessing again.
     */
    public static final String DATABASE = "dbpromote:database";
    public static final String MANAGED_BY_VALUE = "dbpromote";

    private ManagedTags() {
    }

    /** Our tags for a new resource; {@code expiresAt} and {@code createdBy} (BUILD_URL) may be null. */
    public static Map<String, String> of(String app, String env, String pr, Instant expiresAt, String createdBy) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(MANAGED_BY, MANAGED_BY_VALUE);
        tags.put(APP, app);
        tags.put(ENV, env);
        if (pr != null) {
            tags.put(PR, pr);
        }
        if (expiresAt != null) {
            tags.put(EXPIRES_AT, expiresAt.toString());
        }
        if (createdBy != null && !createdBy.isBlank()) {
            // AWS tag values: at most 256 characters.
            tags.put(CREATED_BY, createdBy.length() > 256 ? createdBy.substring(0, 256) : createdBy);
        }
        return tags;
    }

    public static boolean isManaged(Map<String, String> tags) {
        return tags != null && MANAGED_BY_VALUE.equals(tags.get(MANAGED_BY));
    }

    /** True when the expires-at tag is present, parses, and lies before {@code now}. */
    public static boolean isExpired(Map<String, String> tags, Instant now) {
        String value = tags == null ? null : tags.get(EXPIRES_AT);
        if (value == null) {
            return false;
        }
        try {
            return Instant.parse(value).isBefore(now);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
