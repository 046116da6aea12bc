package dev.dbpromote.validate;

import dev.dbpromote.core.DbPromoteException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a loaded suite against the database before any data is read: tables and columns exist, regexes
 * compile on this server, row conditions and custom queries are accepted by it (run with {@code LIMIT 0}).
 * A missing table or column is a suite error unless the suite itself expects its existence
 * ({@code expect_table_to_exist}, {@code expect_column_to_exist}) — then it is a failed expectation,
 * and the expectations that need it are reported as not run.
 */
final class SuiteChecker {

    /** Expectation id -> why it cannot run (the table or a column is missing), for expectations that became failures. */
    record Checked(Map<String, String> notRunnable) {
    }

    private final Suite suite;
    private final Schema schema;
    private final boolean hasSource;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> notRunnable = new LinkedHashMap<>();

    SuiteChecker(Suite suite, Schema schema, boolean hasSource) {
        this.suite = suite;
        this.schema = schema;
        this.hasSource = hasSource;
    }

    Checked check(Connection c) {
        for (Map.Entry<String, List<Expectation>> entry : suite.byTable().entrySet()) {
            String tableName = entry.getKey();
            List<Expectation> list = entry.getValue();
            var table = schema.table(tableName);
            if (table.isEmpty()) {
                boolean expected = list.stream().anyMatch(e -> e.type() == ExpectationType.EXPECT_TABLE_TO_EXIST);
                for (Expectation e : list) {
                    if (expected) {
                        notRunnable.put(e.id(), "table '" + tableName + "' does not exist");
                    }
                }
                if (!expected) {
                    problem(list.get(0), "table '" + tableName + "' does not exist in database '" + schema.database() + "'"
                            + SuiteLoader.suggestion(tableName, List.copyOf(schema.tables().keySet()))
                            + " (add expect_table_to_exist to report it as a failed expectation instead)");
                }
                continue;
            }
            Schema.Table t = table.get();
            Set<String> expectedColumns = list.stream().filter(e -> e.type() == ExpectationType.EXPECT_COLUMN_TO_EXIST)
                    .map(Expectation::column).map(String::toLowerCase).collect(Collectors.toSet());
            for (Expectation e : list) {
                if (e.type() == ExpectationType.EXPECT_COLUMN_TO_EXIST) {
                    continue;
                }
                for (String col : e.columns()) {
                    if (t.column(col).isPresent()) {
                        continue;
                    }
                    if (expectedColumns.contains(col.toLowerCase())) {
                        notRunnable.putIfAbsent(e.id(), "column '" + col + "' does not exist");
                    } else {
                        problem(e, "column '" + col + "' does not exist in table '" + t.name() + "'"
                                + SuiteLoader.suggestion(col, t.columnNames()));
                    }
                }
                checkAgainstServer(c, e, t);
            }
        }
        if (!problems.isEmpty()) {
            throw DbPromoteException.invalid("Expectation suite " + suite.file() + " does not fit database '" + schema.database()
                    + "' (" + (problems.size() == 1 ? "a problem" : problems.size() + " problems") + "; nothing was run):\n  - "
                    + String.join("\n  - ", problems));
        }
        return new Checked(notRunnable);
    }

    private void checkAgainstServer(Connection c, Expectation e, Schema.Table t) {
        String qualified = Sql.table(schema.database(), t.name());
        switch (e.type()) {
            case EXPECT_COLUMN_VALUES_TO_MATCH_REGEX, EXPECT_COLUMN_VALUES_TO_NOT_MATCH_REGEX -> {
                String regex = e.string("regex");
                String sql = schema.server().mariaDb() ? "SELECT '' REGEXP ?" : "SELECT REGEXP_LIKE('', ?, 'c')";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, Checks.serverRegex(schema.server(), regex));
                    ps.executeQuery().close();
                } catch (SQLException ex) {
                    problem(e, "the regex '" + regex + "' does not compile on " + schema.server().describe() + ": "
                            + firstLine(ex.getMessage()) + (schema.server().mariaDb() ? " (MariaDB uses PCRE syntax)" : " (MySQL 8 uses ICU syntax"
                            + (regex.contains("(?P") ? "; Python's (?P<name>...) is (?<name>...) there, (?P=name) is \\k<name>" : "") + ")"));
                }
            }
            case EXPECT_COLUMN_VALUES_TO_EXIST_IN_OTHER_TABLE -> {
                String other = e.string("other_table");
                var ot = schema.table(other);
                if (ot.isEmpty()) {
                    problem(e, "other_table '" + other + "' does not exist" + SuiteLoader.suggestion(other, List.copyOf(schema.tables().keySet())));
                } else if (ot.get().column(e.string("other_column")).isEmpty()) {
                    problem(e, "other_column '" + e.string("other_column") + "' does not exist in table '" + other + "'"
                            + SuiteLoader.suggestion(e.string("other_column"), ot.get().columnNames()));
                }
            }
            case UNEXPECTED_ROWS_EXPECTATION, EXPECT_QUERY_TO_RETURN_NO_ROWS -> {
                String q = Checks.customQuery(e, qualified);
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + q + ") AS dbp_unexpected LIMIT 0")) {
                    ps.executeQuery().close();
                } catch (SQLException ex) {
                    problem(e, "the custom query does not run on " + schema.server().describe() + ": " + firstLine(ex.getMessage()));
                }
            }
            case EXPECT_TABLE_ROW_COUNT_TO_EQUAL_SOURCE -> {
                if (!hasSource) {
                    problem(e, "expect_table_row_count_to_equal_source needs the source database: set 'validate.compare: source'"
                            + " in dbpromote.yaml (and the source's credentials)");
                }
            }
            case EXPECT_COLUMN_VALUES_TO_BE_INCREASING, EXPECT_COLUMN_VALUES_TO_BE_DECREASING -> {
                if (t.primaryKey().isEmpty()) {
                    problem(e, "table '" + t.name() + "' has no primary key, and rows have no order without one; add a primary key"
                            + " (dbpromote reads the rows in key order)");
                }
            }
            case EXPECT_TABLE_ROW_COUNT_TO_EQUAL_OTHER_TABLE -> {
                String other = e.string("other_table_name");
                if (schema.table(other).isEmpty()) {
                    problem(e, "other_table_name '" + other + "' does not exist" + SuiteLoader.suggestion(other, List.copyOf(schema.tables().keySet())));
                }
            }
            case EXPECT_COLUMN_VALUES_TO_BE_BETWEEN -> {
                // MySQL compares a text column with a number as numbers, and 'abc' is 0 there: GX refuses this mix too.
                Schema.Column col = t.column(e.column()).orElseThrow();
                if (isText(col) && (e.arg("min_value") instanceof Number || e.arg("max_value") instanceof Number)) {
                    problem(e, "column '" + e.column() + "' is " + col.dataType() + " but the bounds are numbers; MySQL would compare"
                            + " its values as numbers (a word counts as 0). Check a numeric column, or give the bounds as strings");
                }
            }
            case EXPECT_COLUMN_VALUES_TO_MATCH_STRFTIME_FORMAT -> {
                Schema.Column col = t.column(e.column()).orElseThrow();
                if (!isText(col)) {
                    problem(e, "column '" + e.column() + "' is " + col.dataType() + ", not text; a strftime format is checked on"
                            + " strings (a date column is a date already)");
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("%(.)").matcher(e.string("strftime_format"));
                while (m.find()) {
                    if ("aAbBdfHIjmMpSyY%".indexOf(m.group(1).charAt(0)) < 0) {
                        problem(e, "strftime_format directive %" + m.group(1) + " has no MySQL STR_TO_DATE equivalent; supported:"
                                + " %a %A %b %B %d %f %H %I %j %m %M %p %S %y %Y %%");
                    }
                }
            }
            case EXPECT_COLUMN_VALUE_LENGTHS_TO_BE_BETWEEN, EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL -> {
                Schema.Column col = t.column(e.column()).orElseThrow();
                if (!isText(col)) {
                    problem(e, "column '" + e.column() + "' is " + col.dataType() + ", not text; value lengths are for string columns"
                            + " (GX raises here too)");
                }
            }
            case EXPECT_COLUMN_VALUE_Z_SCORES_TO_BE_LESS_THAN -> {
                // A z-score needs a mean: MySQL would average a text column's values as numbers (a word counts as 0).
                Schema.Column col = t.column(e.column()).orElse(null);
                if (col != null && (!Checks.isNumeric(col) || col.dataType().matches("bit|year"))) {
                    problem(e, "column '" + e.column() + "' is " + col.dataType() + ", not a number; z-scores are for numeric columns"
                            + " (GX raises here too)");
                }
            }
            case EXPECT_COLUMN_MIN_TO_BE_BETWEEN, EXPECT_COLUMN_MAX_TO_BE_BETWEEN -> {
                // A numeric column's min/max is compared as a number: a date or word bound cannot be.
                if (t.column(e.column()).map(Checks::isNumeric).orElse(false)) {
                    for (String n : List.of("min_value", "max_value")) {
                        if (e.arg(n) instanceof String v && !SuiteLoader.isNumber(v)) {
                            problem(e, "column '" + e.column() + "' is numeric, so '" + n + "' must be a number, got '" + v + "'");
                        }
                    }
                }
            }
            default -> { }
        }
        if (e.rowCondition() != null && !notRunnable.containsKey(e.id())) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + qualified + " WHERE (" + e.rowCondition() + ") LIMIT 0")) {
                ps.executeQuery().close();
            } catch (SQLException ex) {
                problem(e, "row_condition '" + e.rowCondition() + "' does not run on table '" + t.name() + "': " + firstLine(ex.getMessage()));
            }
        }
    }

    static boolean isText(Schema.Column c) {
        return c.dataType().matches("char|varchar|tinytext|text|mediumtext|longtext|enum|set") && !c.jsonCheck();
    }

    private void problem(Expectation e, String message) {
        problems.add(suite.where(e) + ": " + e.type().gxName() + ": " + message);
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse(s);
    }
}
