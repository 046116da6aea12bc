package dev.dbpromote.clone;

import dev.dbpromote.env.ManagedTags;
import java.time.Instant;
import java.util.Map;

/**
 * A clone as its provider sees it.
 *
 * @param id RDS instance / Aurora cluster identifier, or {@code host:port/schema}
 * @param name the clone's name (instance identifier or schema)
 * @param status provider state ({@code available}, {@code creating}, ...)
 */
public record ClonedDatabase(String provider, String id, String name, String host, int port, String database,
        String user, String status, Map<String, String> tags) {

    public ClonedDatabase {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public boolean managed() {
        return ManagedTags.isManaged(tags);
    }

    public boolean ready() {
        return "ready".equals(tags.get(ManagedTags.STATE));
    }

    public boolean expired(Instant now) {
        return ManagedTags.isExpired(tags, now);
    }

    public String app() {
        return tags.get(ManagedTags.APP);
    }

    public String env() {
        return tags.get(ManagedTags.ENV);
    }

    public String pr() {
        return tags.get(ManagedTags.PR);
    }
}
