package dev.dbpromote.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** The tables the PR's migrations changed, from the migrate step's rehearsal report. */
public final class TouchedTables {

    private TouchedTables() {
    }

    /** {@code <stateDir>/reports/migrate-<envKey>.json}, field {@code touchedTables}; empty when there is no report. */
    public static Optional<Set<String>> read(Path stateDir, String envKey) {
        Path file = report(stateDir, envKey);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.mapper().readTree(file.toFile());
            JsonNode list = root.path("touchedTables");
            Set<String> out = new LinkedHashSet<>();
            if (list.isArray()) {
                list.forEach(n -> out.add(n.asText()));
            }
            return Optional.of(out);
        } catch (IOException e) {
            throw DbPromoteException.invalid("The migrate report " + file + " cannot be read (" + e.getMessage()
                    + "). Re-run 'dbpromote migrate' for this environment, or delete the file.", e);
        }
    }

    public static Path report(Path stateDir, String envKey) {
        return stateDir.resolve("reports").resolve("migrate-" + envKey + ".json");
    }
}
