package dev.dbpromote.validate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an expectation suite: dbpromote's YAML form or a Great Expectations JSON suite as it is.
 * Everything that can be checked without a database is checked here, and all problems are reported
 * together, each with the suite file and line.
 *
 * <pre>{@code
 * suite: orders
 * tables:
 *   orders:
 *     expectations:
 *       - expect_column_values_to_not_be_null: {column: customer_id}
 *       - expect_column_values_to_be_between: {column: total, min_value: 0, max_value: $MAX_TOTAL, mostly: 0.99}
 * }</pre>
 *
 * GX suites ({@code expectation_suite_name} or {@code name}, and {@code expectations} with
 * {@code expectation_type}/{@code type} + {@code kwargs}) name the table in {@code kwargs.table}, in the
 * suite's {@code meta.table}, or by the suite name's first dot-separated part ({@code orders.warning}).
 *
 * <p>GX's {@code {"$PARAMETER": …}} takes a parameter name or an expression ({@code "rows * 0.9"},
 * {@code "now() - timedelta(days=7)"}; see {@link ParameterExpression}), and an optional temporary value under
 * {@code "$PARAMETER.<the same text>"} that is used when a parameter it needs has no value.
 */
public final class SuiteLoader {

    private static final Pattern PARAMETER = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    /** Bookkeeping keys GX 0.x/1.x write next to an expectation; accepted and ignored. */
    private static final Set<String> ITEM_EXTRAS = Set.of("warn_only", "meta", "notes", "id", "description", "severity",
            "ge_cloud_id", "expectation_context", "rendered_content");
    private static final Set<String> TABLE_KEYS = Set.of("expectations", "warn_only");
    /** Their bounds are counts, lengths or averages: compared as numbers, so a date there is a mistake. */
    private static final Set<ExpectationType> NUMERIC_BOUNDS = Set.of(ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN,
            ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_EQUAL, ExpectationType.EXPECT_COLUMN_UNIQUE_VALUE_COUNT_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_SUM_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_MEDIAN_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_STDEV_TO_BE_BETWEEN, ExpectationType.EXPECT_COLUMN_PROPORTION_OF_UNIQUE_VALUES_TO_BE_BETWEEN,
            ExpectationType.EXPECT_TABLE_COLUMN_COUNT_TO_EQUAL, ExpectationType.EXPECT_TABLE_COLUMN_COUNT_TO_BE_BETWEEN,
            ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL);

    /** GX core expectations dbpromote refuses, and why: the reason is the message, not a look-alike name. */
    static final Map<String, String> NOT_IN_SQL = Map.of(
            "expect_column_chisquare_test_p_value_to_be_greater_than", "its p-value needs the chi-square distribution's CDF,"
                    + " which MySQL and MariaDB do not have, and dbpromote does not approximate statistical tests",
            "expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than", "it fits a scipy distribution and"
                    + " needs its CDF and the Kolmogorov-Smirnov p-value, neither of which SQL can compute",
            "expect_column_bootstrapped_ks_test_p_value_to_be_greater_than", "it draws random bootstrap samples, so its result"
                    + " is neither reproducible nor computable in SQL",
            "expect_column_kl_divergence_to_be_less_than", "its partition_object comes from a GX profiling run and GX's"
                    + " handling of tail weights is not reproduced; check the distribution with"
                    + " expect_column_quantile_values_to_be_between instead",
            "expect_column_pair_cramers_phi_value_to_be_less_than", "GX itself runs it only on pandas; check the pair with"
                    + " expect_column_pair_values_to_be_in_set instead",
            "expect_column_values_to_be_dateutil_parseable", "Python's dateutil accepts free-form text no SQL function"
                    + " matches; use expect_column_values_to_match_strftime_format with the format you store",
            "expect_column_values_to_match_json_schema", "JSON_SCHEMA_VALID exists only from MySQL 8.0.17 and MariaDB 11.1"
                    + " and implements a different draft than GX's jsonschema; use expect_column_values_to_be_json_parseable"
                    + " and custom SQL (unexpected_rows_expectation) for the fields that matter");

    private final Map<String, String> parameters;
    private final Clock clock;

    /** @param parameters values for {@code $NAME} / {@code {"$PARAMETER": "NAME"}} references */
    public SuiteLoader(Map<String, String> parameters) {
        this(parameters, Clock.systemUTC());
    }

    /** @param clock what {@code now()} in a parameter expression reads, once per suite (as UTC) */
    public SuiteLoader(Map<String, String> parameters, Clock clock) {
        this.parameters = Map.copyOf(parameters);
        this.clock = clock;
    }

    public Suite load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw DbPromoteException.invalid("Expectation suite " + file + " not found. Set validate.suite in"
                    + " dbpromote.yaml or pass --suite FILE.");
        } catch (IOException e) {
            throw DbPromoteException.invalid("Expectation suite " + file + " cannot be read: " + e.getMessage());
        }
        return parse(text, file);
    }

    public Suite parse(String text, Path file) {
        Located tree = Located.parse(text, file);
        return new Reader(file, tree).read();
    }

    /** A JSON/YAML tree plus the line of every key path, from Jackson's own parser locations. */
    record Located(JsonNode root, Map<String, Integer> lines) {

        static Located parse(String text, Path file) {
            boolean json = file.toString().endsWith(".json") || text.stripLeading().startsWith("{");
            JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
            Map<String, Integer> lines = new HashMap<>();
            try (JsonParser p = factory.createParser(text)) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    throw DbPromoteException.invalid("Expectation suite " + file + " is empty. See README: 'dataValidate: is the data right'.");
                }
                JsonNode root = read(p, "", lines, file);
                return new Located(root, lines);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage().lines().findFirst().orElse("");
                throw DbPromoteException.invalid(file + (line > 0 ? ":" + line : "") + ": not valid " + (json ? "JSON" : "YAML")
                        + ": " + msg + ". Fix the syntax.", e);
            } catch (IOException e) {
                throw DbPromoteException.invalid("Expectation suite " + file + " cannot be read: " + e.getMessage(), e);
            }
        }

        private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines, Path file) throws IOException {
            JsonNodeFactory f = JsonNodeFactory.instance;
            JsonToken t = p.currentToken();
            lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
            switch (t) {
                case START_OBJECT -> {
                    ObjectNode o = f.objectNode();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        String child = path.isEmpty() ? key : path + "." + key;
                        int line = p.currentTokenLocation().getLineNr();
                        if (o.has(key)) {
                            throw DbPromoteException.invalid(file + ":" + line + ": key '" + key + "' appears twice"
                                    + (path.isEmpty() ? "" : " in '" + path + "'") + ". Keep one.");
                        }
                        lines.put(child, line);
                        p.nextToken();
                        o.set(key, read(p, child, lines, file));
                    }
                    return o;
                }
                case START_ARRAY -> {
                    ArrayNode a = f.arrayNode();
                    int i = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        String child = path + "[" + i++ + "]";
                        lines.put(child, p.currentTokenLocation().getLineNr());
                        a.add(read(p, child, lines, file));
                    }
                    return a;
                }
                case VALUE_STRING -> {
                    return f.textNode(p.getText());
                }
                case VALUE_NUMBER_INT -> {
                    return f.numberNode(p.getLongValue());
                }
                case VALUE_NUMBER_FLOAT -> {
                    return f.numberNode(p.getDecimalValue());
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    return f.booleanNode(p.getBooleanValue());
                }
                default -> {
                    return f.nullNode();
                }
            }
        }

        int line(String path) {
            String p = path;
            while (true) {
                Integer l = lines.get(p);
                if (l != null) {
                    return l;
                }
                if (p.isEmpty()) {
                    return 0;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
        }
    }

    private final class Reader {
        private final Path file;
        private final Located tree;
        private final List<String> problems = new ArrayList<>();
        private final List<Expectation> expectations = new ArrayList<>();
        /** Argument paths whose parameter had no usable value (already reported): not "missing" as well. */
        private final Set<String> unresolved = new HashSet<>();
        /** One instant for the whole suite, so two bounds from now() agree with each other. */
        private final LocalDateTime now;

        Reader(Path file, Located tree) {
            this.file = file;
            this.tree = tree;
            this.now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        }

        Suite read() {
            JsonNode root = tree.root();
            if (!root.isObject()) {
                throw DbPromoteException.invalid(file + ": an expectation suite is a map with 'tables' (dbpromote) or"
                        + " 'expectations' (Great Expectations). See README: 'dataValidate: is the data right'.");
            }
            String name = text(root, "suite");
            if (name == null) {
                name = text(root, "expectation_suite_name");
            }
            if (name == null) {
                name = text(root, "name");
            }
            if (name == null) {
                name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            }
            if (root.has("tables")) {
                readTables(root.get("tables"));
                for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                    String k = it.next();
                    if (!Set.of("suite", "tables", "meta", "name").contains(k)) {
                        problem("" + k, "unknown key '" + k + "' at the top level; a dbpromote suite has 'suite' and 'tables'");
                    }
                }
            } else if (root.has("expectations")) {
                String defaultTable = null;
                JsonNode meta = root.path("meta");
                if (meta.hasNonNull("table")) {
                    defaultTable = meta.get("table").asText();
                } else if (!name.isBlank()) {
                    defaultTable = name.split("\\.")[0];
                }
                JsonNode list = root.get("expectations");
                if (!list.isArray()) {
                    problem("expectations", "'expectations' must be a list");
                } else {
                    for (int i = 0; i < list.size(); i++) {
                        readItem(list.get(i), "expectations[" + i + "]", null, defaultTable, false, i);
                    }
                }
            } else {
                problem("", "no 'tables' (dbpromote suite) and no 'expectations' (Great Expectations suite) found");
            }
            if (!problems.isEmpty()) {
                throw DbPromoteException.invalid("Expectation suite " + file + " has "
                        + (problems.size() == 1 ? "a problem" : problems.size() + " problems") + " (nothing was run):\n  - "
                        + String.join("\n  - ", problems));
            }
            return new Suite(name, file, expectations);
        }

        private void readTables(JsonNode tables) {
            if (!tables.isObject()) {
                problem("tables", "'tables' must be a map of table name to its expectations");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String table = e.getKey();
                String at = "tables." + table;
                JsonNode body = e.getValue();
                JsonNode list;
                boolean warnOnly = false;
                if (body.isArray()) {
                    list = body;
                } else if (body.isObject()) {
                    for (Iterator<String> keys = body.fieldNames(); keys.hasNext();) {
                        String k = keys.next();
                        if (!TABLE_KEYS.contains(k)) {
                            problem(at + "." + k, "unknown key '" + k + "' in table '" + table + "'"
                                    + suggestion(k, List.copyOf(TABLE_KEYS)) + "; a table has 'expectations' and optionally 'warn_only'");
                        }
                    }
                    warnOnly = body.path("warn_only").asBoolean(false);
                    list = body.path("expectations");
                    at = at + ".expectations";
                } else {
                    problem(at, "table '" + table + "' needs a list of expectations");
                    continue;
                }
                if (!list.isArray()) {
                    problem(at, "table '" + table + "' needs a list under 'expectations'");
                    continue;
                }
                for (int i = 0; i < list.size(); i++) {
                    readItem(list.get(i), at + "[" + i + "]", table, null, warnOnly, i);
                }
            }
        }

        private void readItem(JsonNode item, String at, String table, String defaultTable, boolean tableWarnOnly, int index) {
            if (!item.isObject()) {
                problem(at, "an expectation is a map, like '- expect_column_values_to_not_be_null: {column: id}'");
                return;
            }
            String typeName;
            JsonNode kwargs;
            String kwargsAt;
            if (item.has("expectation_type") || item.has("type")) {
                String key = item.has("expectation_type") ? "expectation_type" : "type";
                typeName = item.get(key).asText();
                kwargs = item.path("kwargs");
                kwargsAt = at + ".kwargs";
                for (Iterator<String> keys = item.fieldNames(); keys.hasNext();) {
                    String k = keys.next();
                    if (!k.equals(key) && !k.equals("kwargs") && !ITEM_EXTRAS.contains(k)) {
                        problem(at + "." + k, "unknown key '" + k + "' in an expectation; use 'kwargs' for its arguments");
                    }
                }
            } else {
                List<String> names = new ArrayList<>();
                item.fieldNames().forEachRemaining(k -> {
                    if (!ITEM_EXTRAS.contains(k)) {
                        names.add(k);
                    }
                });
                if (names.size() != 1) {
                    problem(at, names.isEmpty() ? "no expectation name in this item"
                            : "one expectation per list item, found " + names);
                    return;
                }
                typeName = names.get(0);
                kwargs = item.get(typeName);
                kwargsAt = at + "." + typeName;
            }
            var type = ExpectationType.byName(typeName);
            String notInSql = NOT_IN_SQL.get(type.isPresent() ? "" : ExpectationType.gxStyle(typeName));
            if (notInSql != null) {
                problem(kwargsAt, ExpectationType.gxStyle(typeName) + " is not supported: " + notInSql);
                return;
            }
            if (type.isEmpty()) {
                problem(kwargsAt, "unknown expectation '" + typeName + "'" + suggestion(typeName, ExpectationType.names())
                        + " (README: 'dataValidate: is the data right' lists all)");
                return;
            }
            if (kwargs.isMissingNode() || kwargs.isNull()) {
                kwargs = JsonNodeFactory.instance.objectNode();
            }
            if (!kwargs.isObject()) {
                problem(kwargsAt, "the arguments of " + typeName + " must be a map, like {column: id}");
                return;
            }
            Map<String, Object> args = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> a = it.next();
                args.put(a.getKey(), value(a.getValue(), kwargsAt + "." + a.getKey()));
            }
            String tableName = table != null ? table : args.get("table") != null ? String.valueOf(args.get("table")) : defaultTable;
            if (table != null && args.containsKey("table") && !table.equals(String.valueOf(args.get("table")))) {
                problem(kwargsAt + ".table", "'table: " + args.get("table") + "' contradicts the table this expectation is listed under ('" + table + "')");
            }
            if (tableName == null || tableName.isBlank()) {
                problem(kwargsAt, "no table for this expectation: add 'table' to its kwargs or 'meta: {table: …}' to the suite");
                return;
            }
            int line = tree.line(at);
            boolean warnOnly = tableWarnOnly || item.path("warn_only").asBoolean(false);
            Expectation e = new Expectation(tableName + "." + index + "." + type.get().gxName(), tableName, type.get(), args, line, warnOnly);
            if (checkArguments(e, kwargsAt)) {
                expectations.add(e);
            }
        }

        /** Substitutes suite parameters and turns the node into plain Java values. */
        private Object value(JsonNode node, String at) {
            if (node.isObject() && node.has("$PARAMETER")) {
                return gxParameter(node, at);
            }
            if (node.isTextual()) {
                Matcher m = PARAMETER.matcher(node.asText());
                if (m.matches()) {
                    return parameter(m.group(1), at);
                }
                return node.asText();
            }
            if (node.isIntegralNumber()) {
                return node.longValue();
            }
            if (node.isNumber()) {
                return node.decimalValue();
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isArray()) {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    out.add(value(node.get(i), at + "[" + i + "]"));
                }
                return out;
            }
            if (node.isObject()) {
                Map<String, Object> out = new LinkedHashMap<>();
                node.fields().forEachRemaining(f -> out.put(f.getKey(), value(f.getValue(), at + "." + f.getKey())));
                return out;
            }
            return null;
        }

        private Object parameter(String name, String at) {
            String v = parameters.get(name);
            if (v == null) {
                unset(name, null, at);
                return unresolved(at);
            }
            return typed(v);
        }

        /**
         * GX's {@code {"$PARAMETER": NAME or EXPRESSION, "$PARAMETER.<same text>": temporary value}}. As in GX
         * ({@code build_evaluation_parameters}) the temporary value is keyed by the exact text; unlike GX, a value
         * given in config or with --param wins over it, so a stale temporary value cannot hide the real one.
         */
        private Object gxParameter(JsonNode node, String at) {
            JsonNode ref = node.get("$PARAMETER");
            if (!ref.isTextual() || ref.asText().isBlank()) {
                problem(at, "'$PARAMETER' must be a parameter name or an expression, like {\"$PARAMETER\": \"upstream_row_count * 0.9\"}");
                return unresolved(at);
            }
            String text = ref.asText();
            String temporaryKey = "$PARAMETER." + text;
            for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
                String k = keys.next();
                if (!k.equals("$PARAMETER") && !k.equals(temporaryKey)) {
                    problem(at + "." + k, k.startsWith("$PARAMETER.")
                            ? "'" + k + "' does not name this $PARAMETER's text, so GX would never use it; its temporary value goes under '" + temporaryKey + "'"
                            : "unknown key '" + k + "' next to $PARAMETER; only a temporary value under '" + temporaryKey + "' may be there");
                }
            }
            JsonNode temporary = node.get(temporaryKey);
            String temporaryAt = at + "." + temporaryKey;
            if (ParameterExpression.isOperand(text)) {
                String name = text.strip();
                if (parameters.containsKey(name)) {
                    return typed(parameters.get(name));
                }
                if (temporary != null) {
                    return value(temporary, temporaryAt);
                }
                unset(name, null, at);
                return unresolved(at);
            }
            ParameterExpression expression;
            try {
                expression = ParameterExpression.parse(text);
            } catch (ParameterExpression.Invalid e) {
                problem(at, "$PARAMETER '" + text + "': " + e.getMessage());
                return unresolved(at);
            }
            List<String> missing = expression.names().stream().filter(n -> !parameters.containsKey(n)).toList();
            if (!missing.isEmpty()) {
                if (temporary != null) {
                    return value(temporary, temporaryAt);
                }
                missing.forEach(n -> unset(n, text, at));
                return unresolved(at);
            }
            try {
                return expression.evaluate(parameters::get, now);
            } catch (ParameterExpression.Invalid e) {
                problem(at, "$PARAMETER '" + text + "': " + e.getMessage());
                return unresolved(at);
            }
        }

        private Object unresolved(String at) {
            unresolved.add(at);
            return null;
        }

        private void unset(String name, String expression, String at) {
            String in = expression == null ? "" : " in '" + expression + "'";
            if (name.startsWith(ParameterExpression.URN_PREFIX)) {
                problem(at, "$PARAMETER" + in + " refers to the stored GX metric '" + name + "', which dbpromote cannot"
                        + " read (it has no GX metric store); replace the URN with a parameter name, e.g. upstream_row_count,"
                        + " and pass its value with --param upstream_row_count=VALUE or validate.parameters in dbpromote.yaml");
                return;
            }
            problem(at, "suite parameter $" + name + in + " has no value; set validate.parameters." + name
                    + " in dbpromote.yaml or pass --param " + name + "=VALUE"
                    + (parameters.isEmpty() ? "" : " (known: " + new TreeSet<>(parameters.keySet()) + ")"));
        }

        private boolean checkArguments(Expectation e, String at) {
            int before = problems.size();
            ExpectationType t = e.type();
            for (String k : e.kwargs().keySet()) {
                if (!t.allows(k)) {
                    List<String> valid = new ArrayList<>(t.required());
                    valid.addAll(t.optional());
                    problem(at + "." + k, "unknown argument '" + k + "' for " + t.gxName() + suggestion(k, valid)
                            + "; valid: " + valid);
                }
            }
            for (String r : t.required()) {
                if (e.arg(r) == null && !unresolved.contains(at + "." + r)) {
                    problem(at, t.gxName() + " needs argument '" + r + "'");
                }
            }
            Map<String, Object> a = e.kwargs();
            if (a.containsKey("mostly")) {
                if (!(a.get("mostly") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                    problem(at + ".mostly", "'mostly' must be a number from 0 to 1 (the fraction of rows that must pass), got " + a.get("mostly"));
                }
            }
            for (String n : List.of("min_value", "max_value", "value")) {
                if (a.get(n) != null && !(a.get(n) instanceof Number) && !(a.get(n) instanceof String)) {
                    problem(at + "." + n, "'" + n + "' must be a number or a string");
                } else if (NUMERIC_BOUNDS.contains(t) && a.get(n) instanceof String v && !isNumber(v)) {
                    problem(at + "." + n, "'" + n + "' of " + t.gxName() + " must be a number, got '" + v + "'");
                }
            }
            if (t == ExpectationType.EXPECT_COLUMN_VALUE_Z_SCORES_TO_BE_LESS_THAN) {
                if (a.get("threshold") != null && !(a.get("threshold") instanceof Number)
                        && !(a.get("threshold") instanceof String v && isNumber(v))) {
                    problem(at + ".threshold", "'threshold' must be a number (the z-score values must stay below), got '" + a.get("threshold") + "'");
                }
                if (a.get("double_sided") != null && !(a.get("double_sided") instanceof Boolean)) {
                    problem(at + ".double_sided", "'double_sided' must be true (|z| < |threshold|) or false (z < threshold), got '"
                            + a.get("double_sided") + "'");
                }
            }
            if (a.get("min_value") instanceof Number || a.get("max_value") instanceof Number) {
                BigDecimal min = a.get("min_value") instanceof Number n ? new BigDecimal(n.toString()) : null;
                BigDecimal max = a.get("max_value") instanceof Number n ? new BigDecimal(n.toString()) : null;
                if (min != null && max != null && min.compareTo(max) > 0) {
                    problem(at, "min_value " + a.get("min_value") + " is greater than max_value " + a.get("max_value")
                            + ", so no value could pass; swap them");
                }
            }
            if (a.containsKey("quantile_ranges")) {
                quantileRanges(a.get("quantile_ranges"), at + ".quantile_ranges");
            }
            if (a.get("ignore_row_if") != null) {
                List<String> modes = t == ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE || t.required().contains("column_list")
                        ? List.of("all_values_are_missing", "any_value_is_missing", "never")
                        : List.of("both_values_are_missing", "either_value_is_missing", "neither");
                if (!modes.contains(String.valueOf(a.get("ignore_row_if")))) {
                    problem(at + ".ignore_row_if", "ignore_row_if '" + a.get("ignore_row_if") + "' is not one of " + modes);
                }
            }
            if (t.optional().contains("min_value")
                    && a.get("min_value") == null && a.get("max_value") == null
                    && !unresolved.contains(at + ".min_value") && !unresolved.contains(at + ".max_value")) {
                problem(at, t.gxName() + " needs 'min_value', 'max_value' or both");
            }
            for (String n : List.of("value_set", "column_list", "column_set", "type_list")) {
                if (a.containsKey(n) && !(a.get(n) instanceof List<?>)) {
                    problem(at + "." + n, "'" + n + "' must be a list, like [a, b]");
                } else if (a.get(n) instanceof List<?> l && l.isEmpty() && !n.equals("value_set")) {
                    problem(at + "." + n, "'" + n + "' must not be empty");
                }
            }
            if (a.get("value_set") instanceof List<?> l && l.size() > 1000) {
                problem(at + ".value_set", "'value_set' has " + l.size() + " values; at most 1000 are supported");
            }
            if ("".equals(a.get("regex"))) {
                // Python's re matches '' everywhere and so does MariaDB; MySQL 8 refuses it. Almost always a slip (an
                // unset parameter), so neither server runs it.
                problem(at + ".regex", "'regex' is empty, which would match every value; write the pattern (or set the"
                        + " parameter it comes from)");
            }
            if (t == ExpectationType.EXPECT_COLUMN_MAX_TO_BE_RECENT && e.string("max_age") != null) {
                try {
                    Durations.parse(e.string("max_age"));
                } catch (IllegalArgumentException ex) {
                    problem(at + ".max_age", ex.getMessage());
                }
            }
            String parser = e.string("condition_parser");
            if (parser != null && !parser.equals("sql") && !parser.equals("mysql")) {
                problem(at + ".condition_parser", "condition_parser '" + parser + "' is not supported; write row_condition"
                        + " as a SQL condition (e.g. status = 'paid') and use condition_parser: sql or leave it out");
            }
            if (e.rowCondition() != null) {
                String why = RowConditions.problem(e.rowCondition());
                if (why != null) {
                    problem(at + ".row_condition", "row_condition " + why);
                }
            }
            if (t.kind() == ExpectationType.Kind.CUSTOM_SQL) {
                String q = e.string(t == ExpectationType.UNEXPECTED_ROWS_EXPECTATION ? "unexpected_rows_query" : "query");
                String why = q == null ? null : RowConditions.queryProblem(q);
                if (why != null) {
                    problem(at, "custom SQL " + why);
                }
            }
            return problems.size() == before;
        }

        /** GX's {quantiles: [q...], value_ranges: [[min, max]...]}: as many ranges as quantiles, each q from 0 to 1. */
        private void quantileRanges(Object value, String at) {
            if (!(value instanceof Map<?, ?> m) || !(m.get("quantiles") instanceof List<?> qs) || !(m.get("value_ranges") instanceof List<?> rs)) {
                problem(at, "'quantile_ranges' must be {quantiles: [0.25, 0.5, ...], value_ranges: [[min, max], ...]}");
                return;
            }
            if (qs.isEmpty() || qs.size() != rs.size()) {
                problem(at, "'quantile_ranges' needs one value range per quantile; got " + qs.size() + " quantiles and " + rs.size() + " ranges");
            }
            for (Object q : qs) {
                if (!(q instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                    problem(at, "quantile " + q + " is not a number from 0 to 1");
                }
            }
            for (Object r : rs) {
                if (!(r instanceof List<?> l) || l.size() != 2 || l.stream().anyMatch(x -> x != null && !(x instanceof Number))) {
                    problem(at, "value range " + r + " is not [min, max] (numbers; null for no bound)");
                } else if (l.get(0) != null && l.get(1) != null && new BigDecimal(l.get(0).toString()).compareTo(new BigDecimal(l.get(1).toString())) > 0) {
                    problem(at, "value range " + r + " has its minimum above its maximum; write it as [" + l.get(1) + ", " + l.get(0) + "]");
                }
            }
        }

        private String text(JsonNode root, String key) {
            JsonNode n = root.get(key);
            return n == null || !n.isTextual() ? null : n.asText();
        }

        private void problem(String path, String message) {
            int line = tree.line(path);
            problems.add(file + (line > 0 ? ":" + line : "") + ": " + message);
        }
    }

    /** Parameter values arrive as text (config, --param): numbers become numbers so they bind as numbers. */
    static Object typed(String v) {
        String s = v.strip();
        if (s.matches("-?[0-9]{1,18}")) {
            return Long.parseLong(s);
        }
        if (s.matches("-?[0-9]*\\.[0-9]+([eE][-+]?[0-9]+)?")) {
            return new BigDecimal(s);
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        return v;
    }

    /** What {@link Checks} can compare as a number ({@code new BigDecimal}). */
    static boolean isNumber(String v) {
        try {
            new BigDecimal(v.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String suggestion(String name, List<String> known) {
        var distance = org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance.apply(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
            if (d < bestScore) {
                bestScore = d;
                best = k;
            }
        }
        return best != null && bestScore <= Math.max(2, name.length() / 3) && typoOf(name, best) ? "; did you mean '" + best + "'?" : "";
    }

    /**
     * A misspelling, not another word: compared word by word ({@code _}-separated), each differs by at most a quarter
     * of its letters (at least one), or has the same letters swapped. {@code median} is not a typo of {@code mean}, nor {@code stdev} of {@code sum}.
     */
    static boolean typoOf(String name, String known) {
        String[] a = name.toLowerCase(java.util.Locale.ROOT).split("_");
        String[] b = known.toLowerCase(java.util.Locale.ROOT).split("_");
        if (a.length != b.length) {
            return Math.abs(a.length - b.length) == 1; // a word left out or added
        }
        var distance = org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
        for (int i = 0; i < a.length; i++) {
            boolean swapped = a[i].length() == b[i].length() && java.util.Arrays.equals(a[i].chars().sorted().toArray(), b[i].chars().sorted().toArray());
            if (!swapped && distance.apply(a[i], b[i]) > Math.max(1, Math.max(a[i].length(), b[i].length()) / 4)) {
                return false;
            }
        }
        return true;
    }
}
