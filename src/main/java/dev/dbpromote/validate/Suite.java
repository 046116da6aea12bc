package dev.dbpromote.validate;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An expectation suite as loaded by {@link SuiteLoader}: a name, the file and its expectations in file order. */
public record Suite(String name, Path file, List<Expectation> expectations) {

    public Suite {
        expectations = List.copyOf(expectations);
    }

    /** Expectations grouped by table, tables in file order. */
    public Map<String, List<Expectation>> byTable() {
        Map<String, List<Expectation>> out = new LinkedHashMap<>();
        for (Expectation e : expectations) {
            out.computeIfAbsent(e.table(), t -> new java.util.ArrayList<>()).add(e);
        }
        return out;
    }

    /** Where an expectation is, for messages: {@code db/expectations.yaml:12}. */
    public String where(Expectation e) {
        return file + (e.line() > 0 ? ":" + e.line() : "");
    }
}
