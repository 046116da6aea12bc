package dev.dbpromote.validate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import dev.dbpromote.testing.TestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/**
 * Great Expectations' own expectation tests ({@code ../shared/conformance/gx-test-definitions}, GX 1.2.0) run
 * through the real {@link DataValidate} path, on each server: for every dataset a table is created (column types
 * from the dataset's {@code mysql} schema, else inferred as GX's SQL backends do through pandas' {@code to_sql}),
 * every in-scope test runs as a one-expectation GX suite, and {@code success} plus the {@code out} fields the test
 * gives are compared. Prints a table per expectation type (in scope, agree, disagree, unsupported) and writes it to
 * {@code target/gx-conformance-<server>.txt}; fails on a disagreement not listed in {@link #DELIBERATE}.
 * Skipped where the folder is absent (a fresh clone builds without it).
 */
class GxConformanceTest {

    static final Path DEFINITIONS = Path.of("../shared/conformance/gx-test-definitions");
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final String PK = "pk_index";

    static final String NOTHING_CHECKED = "an expectation without its set or bounds checks nothing; in a CI gate that is almost always"
            + " an unset parameter, so dbpromote refuses the suite where GX passes vacuously";

    /**
     * Cases where dbpromote differs from GX on purpose ({@code type} or {@code type/title} → reason). Each is in
     * README's list of deliberate differences.
     */
    static final Map<String, String> DELIBERATE = Map.ofEntries(
            Map.entry("expect_column_values_to_match_strftime_format/negative_test_input_already_datetimes", "the dataset has no"
                    + " MySQL schema, so its ISO date strings load as TEXT (pandas' inference) and are strings here; GX's case"
                    + " needs a datetime column, which dbpromote refuses for this expectation as GX does"),
            Map.entry("expect_column_values_to_be_in_type_list/positive_test_placeholder_expectation", NOTHING_CHECKED),
            Map.entry("expect_column_value_lengths_to_be_between/negative_test_with_max_lt_min", "min_value greater than max_value is"
                    + " refused for every expectation, as GX itself raises for expect_column_values_to_be_between and"
                    + " expect_table_row_count_to_be_between; GX fails this one instead"),
            Map.entry("expect_column_values_to_be_between/error_on_string-to-int_comparisons", "the column is INTEGER in the test's"
                    + " MySQL schema, so numbers compare with numbers; GX's TypeError comes from the dataset's original string values"));

    @TempDir
    Path dir;

    /** One expectation type's tally. */
    static final class Tally {
        int inScope;
        int agree;
        int unsupported;
        final List<String> disagreements = new ArrayList<>();
        final List<String> deliberate = new ArrayList<>();
    }

    @EachServer
    void greatExpectationsOwnTestsAgree(TestDatabase db, TestServer server) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DEFINITIONS), "GX test definitions not present at " + DEFINITIONS.toAbsolutePath());
        Map<String, Tally> tallies = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(DEFINITIONS)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode root = JSON.readTree(file.toFile());
            String type = root.path("expectation_type").asText();
            Tally tally = tallies.computeIfAbsent(type, k -> new Tally());
            int datasetIndex = 0;
            for (JsonNode dataset : root.path("datasets")) {
                datasetIndex++;
                Datasets tables = null;
                for (JsonNode test : dataset.path("tests")) {
                    if (!inScope(dataset) || !inScope(test)) {
                        continue;
                    }
                    tally.inScope++;
                    if (ExpectationType.byName(type).isEmpty()) {
                        tally.unsupported++;
                        continue;
                    }
                    if (tables == null) {
                        tables = new Datasets(db, dataset, "d" + Math.abs(file.getFileName().toString().hashCode() % 100000) + "_" + datasetIndex);
                    }
                    String label = type + "/" + test.path("title").asText();
                    String problem;
                    try {
                        problem = runCase(db, type, test, tables);
                    } catch (RuntimeException ex) {
                        problem = "crashed: " + ex;
                    }
                    if (problem == null) {
                        tally.agree++;
                    } else if (DELIBERATE.containsKey(label) || DELIBERATE.containsKey(type) || checksNothing(test, problem)) {
                        tally.deliberate.add(label + ": " + problem);
                        tally.agree++;
                    } else {
                        tally.disagreements.add(label + ": " + problem);
                    }
                }
            }
        }
        String report = report(server, tallies);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "gx-conformance-" + (server.mariaDb() ? "mariadb" : "mysql8") + ".txt"), report);
        List<String> all = tallies.values().stream().flatMap(t -> t.disagreements.stream()).toList();
        assertTrue(all.isEmpty(), all.size() + " disagreement(s) with GX on " + server.label() + ":\n  " + String.join("\n  ", all));
    }

    /** {@link #NOTHING_CHECKED}: refused because the bounds or the set are missing, where GX's case passes vacuously. */
    static boolean checksNothing(JsonNode test, String problem) {
        String title = test.path("title").asText();
        return problem.startsWith("dbpromote refused") && (problem.contains("needs 'min_value', 'max_value' or both")
                || problem.contains(" needs argument ")) && (title.contains("vacuous") || title.contains("null"));
    }

    static String report(TestServer server, Map<String, Tally> tallies) {
        StringBuilder sb = new StringBuilder("GX conformance on " + server.label() + "\n");
        sb.append(String.format(Locale.ROOT, "%-72s %8s %6s %9s %11s%n", "expectation type", "in-scope", "agree", "disagree", "unsupported"));
        int[] sum = new int[4];
        tallies.forEach((type, t) -> {
            if (t.inScope == 0) {
                return;
            }
            sb.append(String.format(Locale.ROOT, "%-72s %8d %6d %9d %11d%n", type, t.inScope, t.agree, t.disagreements.size(), t.unsupported));
            sum[0] += t.inScope;
            sum[1] += t.agree;
            sum[2] += t.disagreements.size();
            sum[3] += t.unsupported;
        });
        sb.append(String.format(Locale.ROOT, "%-72s %8d %6d %9d %11d%n", "total", sum[0], sum[1], sum[2], sum[3]));
        tallies.forEach((type, t) -> t.disagreements.forEach(d -> sb.append("DISAGREE ").append(d).append('\n')));
        tallies.forEach((type, t) -> t.deliberate.forEach(d -> sb.append("DELIBERATE ").append(d).append('\n')));
        return sb.toString();
    }

    /** README of the conformance folder: in scope for MySQL unless only_for names neither mysql nor sqlalchemy, or suppress_test_for names one. */
    static boolean inScope(JsonNode node) {
        JsonNode only = node.get("only_for");
        if (only != null && !contains(only, "mysql") && !contains(only, "sqlalchemy")) {
            return false;
        }
        JsonNode suppress = node.get("suppress_test_for");
        return suppress == null || !(contains(suppress, "mysql") || contains(suppress, "sqlalchemy"));
    }

    private static boolean contains(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Runs one test; null when dbpromote agrees, else what differs. */
    private String runCase(TestDatabase db, String type, JsonNode test, Datasets tables) throws IOException {
        JsonNode out = test.path("out");
        boolean pk = out.has("unexpected_index_list") || type.contains("increasing") || type.contains("decreasing");
        String table = tables.table(pk);
        ObjectNode kwargs = test.path("in").deepCopy();
        kwargs.put("table", table);
        if (kwargs.has("other_table_name")) {
            kwargs.put("other_table_name", tables.other(kwargs.get("other_table_name").asText()));
        }
        ObjectNode suite = JSON.createObjectNode();
        suite.put("expectation_suite_name", "gx");
        ObjectNode item = suite.putArray("expectations").addObject();
        item.put("expectation_type", type);
        item.set("kwargs", kwargs);
        Path file = dir.resolve("suite.json");
        Files.writeString(file, JSON.writeValueAsString(suite));
        boolean gxRaises = out.has("traceback_substring") || test.has("error");
        ExpectationResult r;
        try {
            ValidationResult v = new DataValidate(Progress.silent()).run(new ValidateRequest(db.root(), null, file, Map.of(), Set.of(), null,
                    "gx", Strategy.SINGLE_SCAN, 1000, false, 0));
            r = v.results().get(0);
        } catch (DbPromoteException ex) {
            if (gxRaises && ex.kind() == DbPromoteException.Kind.INVALID_INPUT) {
                return null;
            }
            return "dbpromote refused (" + ex.kind() + "): " + firstLine(ex.getMessage().replace(file.toString(), "suite.json"));
        }
        if (gxRaises) {
            return "GX raises (" + (out.has("traceback_substring") ? out.get("traceback_substring").asText()
                    : test.path("error").path("traceback_substring").asText()) + "), dbpromote ran it: " + r.message();
        }
        List<String> diffs = new ArrayList<>();
        if (out.has("success") && out.get("success").asBoolean() != r.success()) {
            diffs.add("success " + r.success() + " (GX " + out.get("success").asBoolean() + "): " + r.message());
        }
        double tolerance = test.path("tolerance").asDouble(1e-9);
        JsonNode result = out.path("result");
        compare(diffs, "observed_value", first(out, result, "observed_value"), r.observedValue(), tolerance);
        compare(diffs, "element_count", result.get("element_count"), r.elementCount(), 0);
        compare(diffs, "missing_count", result.get("missing_count"), r.missingCount(), 0);
        compare(diffs, "missing_percent", result.get("missing_percent"), r.missingCount() == null || r.elementCount() == null ? null
                : r.elementCount() == 0 ? null : 100.0 * r.missingCount() / r.elementCount(), 1e-9);
        JsonNode list = first(out, result, "unexpected_list");
        JsonNode count = first(out, result, "unexpected_count");
        if (list != null && !r.success()) {
            compareUnexpected(diffs, list, r);
        } else if (list != null && count == null) {
            count = JSON.getNodeFactory().numberNode(list.size());
        }
        compare(diffs, "unexpected_count", count, r.unexpectedCount(), 0);
        return diffs.isEmpty() ? null : String.join("; ", diffs);
    }

    private static JsonNode first(JsonNode out, JsonNode result, String field) {
        return out.has(field) ? out.get(field) : result.get(field);
    }

    private static void compare(List<String> diffs, String field, JsonNode gx, Object ours, double tolerance) {
        if (gx == null) {
            return;
        }
        JsonNode o = JSON.valueToTree(ours);
        if (!same(gx, o, tolerance)) {
            diffs.add(field + " " + o + " (GX " + gx + ")");
        }
    }

    /** GX lists every unexpected value (COMPLETE); compared as a multiset, as row order without a key is the server's. */
    private static void compareUnexpected(List<String> diffs, JsonNode gx, ExpectationResult r) {
        List<String> cols = r.sampleColumns();
        List<String> checked = new ArrayList<>();
        for (String c : cols) {
            if (!c.equals(PK) && !c.equals("occurrences")) {
                checked.add(c);
            }
        }
        int occurrences = cols.indexOf("occurrences");
        List<JsonNode> ours = new ArrayList<>();
        for (List<Object> row : r.samples()) {
            JsonNode value;
            if (checked.size() == 1) {
                value = JSON.valueToTree(row.get(cols.indexOf(checked.get(0))));
            } else if (gx.size() > 0 && gx.get(0).isArray()) {
                ArrayNode a = JSON.createArrayNode();
                checked.forEach(c -> a.add(JSON.<JsonNode>valueToTree(row.get(cols.indexOf(c)))));
                value = a;
            } else {
                ObjectNode o = JSON.createObjectNode();
                checked.forEach(c -> o.set(c, JSON.valueToTree(row.get(cols.indexOf(c)))));
                value = o;
            }
            long times = occurrences < 0 ? 1 : ((Number) row.get(occurrences)).longValue();
            for (long i = 0; i < times; i++) {
                ours.add(value);
            }
        }
        List<JsonNode> theirs = new ArrayList<>();
        gx.forEach(theirs::add);
        List<JsonNode> left = new ArrayList<>(ours);
        List<JsonNode> missing = new ArrayList<>();
        for (JsonNode g : theirs) {
            JsonNode match = left.stream().filter(x -> same(g, x, 1e-9)).findFirst().orElse(null);
            if (match == null) {
                missing.add(g);
            } else {
                left.remove(match);
            }
        }
        if (!missing.isEmpty() || !left.isEmpty()) {
            diffs.add("unexpected_list " + ours + " (GX " + theirs + ")");
        }
    }

    /** Numbers by value (within tolerance), text vs number by value, dates with 'T' or ' ', lists and maps by element. */
    static boolean same(JsonNode gx, JsonNode ours, double tolerance) {
        if (gx.isNull() || ours.isNull()) {
            return gx.isNull() && ours.isNull();
        }
        BigDecimal a = number(gx);
        BigDecimal b = number(ours);
        if (a != null && b != null) {
            return a.subtract(b).abs().doubleValue() <= Math.max(tolerance, 1e-9 * a.abs().doubleValue());
        }
        if (gx.isArray() && ours.isArray()) {
            if (gx.size() != ours.size()) {
                return false;
            }
            for (int i = 0; i < gx.size(); i++) {
                if (!same(gx.get(i), ours.get(i), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        if (gx.isObject() && ours.isObject()) {
            for (Iterator<String> it = gx.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!ours.has(k) || !same(gx.get(k), ours.get(k), tolerance)) {
                    return false;
                }
            }
            return true;
        }
        if (gx.isBoolean() || ours.isBoolean()) {
            return gx.asText().equalsIgnoreCase(ours.asText()) || (number(gx) != null ? number(gx) : BigDecimal.valueOf(gx.asBoolean() ? 1 : 0))
                    .compareTo(number(ours) != null ? number(ours) : BigDecimal.valueOf(ours.asBoolean() ? 1 : 0)) == 0;
        }
        return normaliseText(gx.asText()).equals(normaliseText(ours.asText()));
    }

    private static String normaliseText(String s) {
        return s.replaceFirst("^(\\d{4}-\\d{2}-\\d{2})T", "$1 ").replaceFirst("(\\d{2}:\\d{2}:\\d{2})\\.0+$", "$1");
    }

    private static BigDecimal number(JsonNode n) {
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isTextual() && n.asText().matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
            return new BigDecimal(n.asText());
        }
        return null;
    }

    static String firstLine(String s) {
        String[] lines = s.split("\n");
        return lines.length > 2 ? lines[0] + " " + lines[1].strip() : s.replace('\n', ' ');
    }

    /** A dataset's tables, created on first use: without a key, and with GX's {@code pk_index} key (row order). */
    private static final class Datasets {
        private final TestDatabase db;
        private final JsonNode dataset;
        private final String prefix;
        private final Map<String, String> created = new LinkedHashMap<>();

        Datasets(TestDatabase db, JsonNode dataset, String prefix) {
            this.db = db;
            this.dataset = dataset;
            this.prefix = prefix;
        }

        String table(boolean pk) {
            JsonNode data = dataset.path("data");
            if (data.isArray()) {
                // Multi-table datasets: the first table is the batch, the others are there to be named.
                for (JsonNode part : data) {
                    other(part.path("dataset_name").asText());
                }
                return other(data.get(0).path("dataset_name").asText());
            }
            String name = prefix + (pk ? "_pk" : "");
            return created.computeIfAbsent(name, n -> create(n, data, dataset.path("schemas").path("mysql"), pk));
        }

        String other(String datasetName) {
            for (JsonNode part : dataset.path("data")) {
                if (part.path("dataset_name").asText().equals(datasetName)) {
                    String name = prefix + "_" + Math.abs(datasetName.hashCode() % 10000);
                    return created.computeIfAbsent(name, n -> create(n, part.path("data"), part.path("schemas").path("mysql"), false));
                }
            }
            return datasetName;
        }

        private String create(String name, JsonNode data, JsonNode schema, boolean pk) {
            List<String> columns = new ArrayList<>();
            data.fieldNames().forEachRemaining(columns::add);
            int rows = columns.isEmpty() ? 0 : data.get(columns.get(0)).size();
            List<String> types = new ArrayList<>();
            for (String c : columns) {
                types.add(schema.has(c) ? mysqlType(schema.get(c).asText()) : inferred(data.get(c)));
            }
            StringBuilder ddl = new StringBuilder("CREATE TABLE `" + name + "` (");
            if (pk) {
                ddl.append('`').append(PK).append("` INT PRIMARY KEY, ");
            }
            for (int i = 0; i < columns.size(); i++) {
                ddl.append(i == 0 ? "" : ", ").append('`').append(columns.get(i)).append("` ").append(types.get(i));
            }
            ddl.append(")");
            StringBuilder insert = new StringBuilder("INSERT INTO `" + name + "` VALUES (" + (pk ? "?, " : ""));
            insert.append(String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))).append(")");
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute(ddl.toString());
                try (PreparedStatement ps = c.prepareStatement(insert.toString())) {
                    for (int r = 0; r < rows; r++) {
                        int p = 1;
                        if (pk) {
                            ps.setInt(p++, r);
                        }
                        for (int i = 0; i < columns.size(); i++) {
                            bind(ps, p++, data.get(columns.get(i)).get(r), types.get(i));
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("loading " + name + ": " + e.getMessage() + "\n" + ddl, e);
            }
            return name;
        }

        /** SQLAlchemy type names as GX's mysql schemas give them. */
        private static String mysqlType(String t) {
            String u = t.toUpperCase(Locale.ROOT);
            return switch (u) {
                case "VARCHAR", "CHAR" -> "VARCHAR(255)";
                case "TIMESTAMP" -> "DATETIME";
                default -> u;
            };
        }

        /** pandas' dtype inference and to_sql's SQLAlchemy types: int64 BIGINT, float64 DOUBLE, bool BOOLEAN, else TEXT. */
        private static String inferred(JsonNode values) {
            boolean ints = true;
            boolean numbers = true;
            boolean bools = true;
            boolean nulls = false;
            int present = 0;
            for (JsonNode v : values) {
                if (v.isNull()) {
                    nulls = true;
                    continue;
                }
                present++;
                ints &= v.isIntegralNumber();
                numbers &= v.isNumber();
                bools &= v.isBoolean();
            }
            if (present == 0) {
                return "TEXT";
            }
            if (bools) {
                return "BOOLEAN";
            }
            if (ints && !nulls) {
                return "BIGINT";
            }
            return numbers ? "DOUBLE" : "TEXT";
        }

        private static void bind(PreparedStatement ps, int p, JsonNode v, String type) throws SQLException {
            if (v == null || v.isNull()) {
                ps.setNull(p, java.sql.Types.VARCHAR);
            } else if (v.isBoolean()) {
                ps.setBoolean(p, v.asBoolean());
            } else if (v.isNumber()) {
                ps.setBigDecimal(p, v.decimalValue());
            } else if (v.isTextual() && (type.equals("DATETIME") || type.equals("DATE"))) {
                ps.setString(p, dateTime(v.asText()));
            } else if (v.isTextual()) {
                ps.setString(p, v.asText());
            } else {
                ps.setString(p, v.toString());
            }
        }

        private static final List<DateTimeFormatter> FORMATS = Stream.of("MMM dd yyyy HH:mm:ss", "yyyy-MM-dd HH:mm:ss",
                "yyyy-MM-dd'T'HH:mm:ss", "M/d/yyyy").map(f -> DateTimeFormatter.ofPattern(f, Locale.ENGLISH)).toList();

        /** pandas.to_datetime for the formats the definitions use. */
        private static String dateTime(String s) {
            for (DateTimeFormatter f : FORMATS) {
                try {
                    return LocalDateTime.parse(s, f).toString().replace('T', ' ');
                } catch (DateTimeParseException e) {
                    try {
                        return LocalDate.parse(s, f).toString();
                    } catch (DateTimeParseException ignored) {
                        // next format
                    }
                }
            }
            return s;
        }
    }
}
