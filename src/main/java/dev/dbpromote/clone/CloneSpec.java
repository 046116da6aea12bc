package dev.dbpromote.clone;

import java.util.Map;

/**
 * What to create: the clone's name (an RDS identifier or a schema name, see {@code Names}) and the tags
 * it must carry from the first moment.
 */
public record CloneSpec(String name, Map<String, String> tags) {

    public CloneSpec {
        tags = Map.copyOf(tags);
    }
}
