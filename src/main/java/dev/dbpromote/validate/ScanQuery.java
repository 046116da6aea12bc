package dev.dbpromote.validate;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code SELECT agg1, agg2, … FROM table [WHERE (row_condition)]}: the single scan that all aggregate
 * expectations of a table with the same row condition share. Expectations add aggregate expressions
 * (with {@code ?} placeholders and their values); identical expressions are computed once.
 */
final class ScanQuery {

    private final String qualifiedTable;
    private final String condition;
    private final Schema.Server server;
    private final List<String> expressions = new ArrayList<>();
    private final List<List<Object>> binds = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private Object[] values;

    ScanQuery(String qualifiedTable, String condition, Schema.Server server) {
        this.qualifiedTable = qualifiedTable;
        this.condition = condition;
        this.server = server;
        add("COUNT(*)"); // handle 0: the rows scanned, which every expectation reports
    }

    /** Adds {@code expression} (an aggregate) and returns the handle to read its value with. */
    int add(String expression, List<Object> values) {
        String key = expression + "\u0000" + values;
        Integer existing = index.get(key);
        if (existing != null) {
            return existing;
        }
        expressions.add(expression);
        binds.add(List.copyOf(values));
        index.put(key, expressions.size() - 1);
        return expressions.size() - 1;
    }

    int add(String expression) {
        return add(expression, List.of());
    }

    String condition() {
        return condition;
    }

    boolean isEmpty() {
        return expressions.isEmpty();
    }

    String sql() {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < expressions.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(expressions.get(i)).append(" AS a").append(i);
        }
        if (condition == null && !server.mariaDb()) {
            // MySQL 8.0.15 (the tests' MySQL) answers a SELECT without WHERE whose aggregates are all COUNTs from
            // the table's row count: COUNT(col) and COUNT(CASE ...) come back equal to COUNT(*), so a NOT NULL
            // check passes on NULLs. Any other aggregate makes it read the rows. Not needed on MariaDB.
            sb.append(", MIN(1) AS dbp_scan");
        }
        sb.append(" FROM ").append(qualifiedTable);
        if (condition != null) {
            sb.append(" WHERE (").append(condition).append(')');
        }
        return sb.toString();
    }

    void run(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql())) {
            int p = 1;
            for (List<Object> b : binds) {
                for (Object v : b) {
                    Checks.bind(ps, p++, v);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                values = new Object[expressions.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getObject(i + 1);
                }
            }
        }
    }

    Object value(int handle) {
        return values[handle];
    }

    /** A count-like value; SQL's NULL (SUM over no rows) is 0. */
    long count(int handle) {
        Object v = values[handle];
        return v == null ? 0 : v instanceof Number n ? n.longValue() : new BigDecimal(v.toString()).longValue();
    }

    boolean truth(int handle) {
        return count(handle) != 0;
    }
}
