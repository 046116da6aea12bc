package dev.dbpromote.migrate.lint;

import dev.dbpromote.migrate.SqlStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * What one statement does, as far as lint and the rehearsal care: which tables it touches and which
 * rules it triggers. JSqlParser first; for what it cannot parse (procedures, some MySQL-only syntax),
 * keyword checks on the leading clause.
 */
final class StatementAnalyzer {

    /** A rule hit before allow-lists and file/line are applied. */
    record Hit(Rule rule, String detail) {
    }

    /** @param created tables this statement creates; @param touched tables it reads or changes */
    record Analysis(List<Hit> hits, Set<String> touched, Set<String> created) {
    }

    private static final Pattern ROUTINE = Pattern.compile(
            "(?is)^(CREATE|DROP)\\s+(OR\\s+REPLACE\\s+)?(DEFINER\\s*=\\s*\\S+\\s+)?(PROCEDURE|FUNCTION|TRIGGER|EVENT|VIEW|ALGORITHM|SQL)\\b.*");
    private static final Pattern SET_OR_USE = Pattern.compile("(?is)^(SET|USE|SELECT|DO|CALL|LOCK|UNLOCK|ANALYZE|OPTIMIZE|FLUSH|GRANT|REVOKE)\\b.*");
    private static final Pattern DROP_TABLE = Pattern.compile("(?is)^DROP\\s+(TEMPORARY\\s+)?TABLE\\s+(IF\\s+EXISTS\\s+)?(.+)$");
    private static final Pattern ALTER_TABLE = Pattern.compile("(?is)^ALTER\\s+(ONLINE\\s+|IGNORE\\s+)?TABLE\\s+(`[^`]+`|\\S+)\\s+(.*)$");

    /**
     * One parser thread for the process: JSqlParser runs each parse on an executor so it can time out on
     * pathological input, and by default makes a new thread per call, which cost more than the parsing.
     */
    private static final ExecutorService PARSER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dbpromote-sql-parser");
        t.setDaemon(true);
        return t;
    });

    /** Parses by statement text, shared by lint and the rehearsal's table list (both read every statement). */
    private static final Map<String, Optional<Statement>> PARSED = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<Statement>> eldest) {
                    return size() > 5000;
                }
            });

    private StatementAnalyzer() {
    }

    /** The parsed statement, or null when JSqlParser cannot parse it. */
    private static Statement parse(String sql) {
        return PARSED.computeIfAbsent(sql, text -> {
            try {
                return Optional.of(CCJSqlParserUtil.parse(text, PARSER, null));
            } catch (JSQLParserException | RuntimeException e) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    static Analysis analyze(SqlStatement statement, Set<String> newTables) {
        String sql = statement.sql();
        if (ROUTINE.matcher(sql).matches() || SET_OR_USE.matcher(sql).matches()) {
            return new Analysis(List.of(), Set.of(), Set.of());
        }
        Statement parsed = parse(sql);
        if (parsed == null) {
            return fallback(sql, newTables);
        }
        List<Hit> hits = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        Set<String> created = new LinkedHashSet<>();
        if (parsed instanceof CreateTable ct) {
            String t = name(ct.getTable());
            created.add(t);
            boolean hasPk = ct.getIndexes() != null && ct.getIndexes().stream()
                    .anyMatch(i -> i.getType() != null && i.getType().toUpperCase(Locale.ROOT).contains("PRIMARY"));
            if (ct.getColumnDefinitions() != null) {
                hasPk |= ct.getColumnDefinitions().stream().anyMatch(c -> specs(c).contains("PRIMARY KEY"));
            }
            if (!hasPk && ct.getLikeTable() == null && ct.getSelect() == null) {
                hits.add(new Hit(Rule.NO_PRIMARY_KEY, "table " + t));
            }
        } else if (parsed instanceof Drop d) {
            if ("TABLE".equalsIgnoreCase(d.getType())) {
                String t = name(d.getName());
                touched.add(t);
                hits.add(new Hit(Rule.DROP_TABLE, "table " + t));
            }
        } else if (parsed instanceof Truncate tr) {
            String t = name(tr.getTable());
            touched.add(t);
            hits.add(new Hit(Rule.TRUNCATE_TABLE, "table " + t));
        } else if (parsed instanceof RenameTableStatement r) {
            r.getTableNames().forEach(e -> {
                touched.add(name(e.getKey()));
                hits.add(new Hit(Rule.RENAME_TABLE, name(e.getKey()) + " -> " + name(e.getValue())));
                hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, "RENAME TABLE " + name(e.getKey())));
            });
        } else if (parsed instanceof CreateIndex ci) {
            String t = name(ci.getTable());
            touched.add(t);
            Index idx = ci.getIndex();
            if (idx != null && idx.getType() != null && idx.getType().toUpperCase(Locale.ROOT).contains("UNIQUE") && !newTables.contains(t)) {
                hits.add(new Hit(Rule.UNIQUE_INDEX_EXISTING, "unique index on " + t));
            }
        } else if (parsed instanceof Alter a) {
            String t = name(a.getTable());
            touched.add(t);
            if (a.getAlterExpressions() != null) {
                for (AlterExpression e : a.getAlterExpressions()) {
                    alter(t, e, newTables.contains(t), hits);
                }
            }
        } else if (parsed instanceof Insert i) {
            touched.add(name(i.getTable()));
        } else if (parsed instanceof Update u) {
            touched.add(name(u.getTable()));
        } else if (parsed instanceof Delete d) {
            if (d.getTable() != null) {
                touched.add(name(d.getTable()));
            }
        }
        return new Analysis(hits, touched, created);
    }

    private static void alter(String table, AlterExpression e, boolean newTable, List<Hit> hits) {
        String op = e.getOperation() == null ? "" : e.getOperation().name();
        List<? extends ColumnDefinition> cols = e.getColDataTypeList() == null ? List.of() : e.getColDataTypeList();
        switch (op) {
            case "ADD" -> {
                for (ColumnDefinition c : cols) {
                    String specs = specs(c);
                    boolean notNull = specs.contains("NOT NULL");
                    boolean hasDefault = specs.contains("DEFAULT") || specs.contains("AUTO_INCREMENT") || specs.contains(" AS ")
                            || specs.startsWith("AS ") || specs.contains("GENERATED");
                    if (notNull && !hasDefault && !newTable) {
                        hits.add(new Hit(Rule.NOT_NULL_WITHOUT_DEFAULT, table + "." + c.getColumnName()));
                    }
                    if (specs.contains("AFTER ") || specs.endsWith("FIRST") || specs.contains("FIRST ")) {
                        hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, "ADD COLUMN " + table + "." + c.getColumnName()
                                + " not at the end of the table"));
                    }
                }
                if (e.getPkColumns() != null && !newTable) {
                    hits.add(new Hit(Rule.TABLE_COPY_ALTER, "ADD PRIMARY KEY on " + table));
                }
                boolean unique = e.getUk() || e.getUkColumns() != null
                        || e.getIndex() != null && e.getIndex().getType() != null && e.getIndex().getType().toUpperCase(Locale.ROOT).contains("UNIQUE");
                if (unique && !newTable) {
                    hits.add(new Hit(Rule.UNIQUE_INDEX_EXISTING, "unique index on " + table));
                }
            }
            case "DROP" -> {
                if (e.getColumnName() != null && e.getIndex() == null && e.getConstraintName() == null) {
                    hits.add(new Hit(Rule.DROP_COLUMN, table + "." + e.getColumnName()));
                    hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, "DROP COLUMN " + table + "." + e.getColumnName()));
                }
            }
            case "DROP_PRIMARY_KEY" -> hits.add(new Hit(Rule.TABLE_COPY_ALTER, "DROP PRIMARY KEY on " + table));
            case "MODIFY", "CHANGE" -> {
                for (ColumnDefinition c : cols) {
                    String specs = specs(c);
                    String column = c.getColumnName();
                    String old = e.getColumnOldName() != null ? e.getColumnOldName() : column;
                    if (!unquote(old).equalsIgnoreCase(unquote(column))) {
                        hits.add(new Hit(Rule.RENAME_COLUMN, table + "." + old + " -> " + column));
                    }
                    if (!newTable) {
                        hits.add(new Hit(Rule.TABLE_COPY_ALTER, op + " COLUMN " + table + "." + old + " to "
                                + c.getColDataType() + " (a type change copies the table)"));
                        hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, op + " COLUMN " + table + "." + old));
                        if (specs.contains("NOT NULL")) {
                            hits.add(new Hit(Rule.NOT_NULL_EXISTING, table + "." + old));
                        }
                    }
                }
            }
            case "RENAME" -> {
                hits.add(new Hit(Rule.RENAME_COLUMN, table + "." + e.getColumnOldName() + " -> " + e.getColumnName()));
                hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, "RENAME COLUMN " + table + "." + e.getColumnOldName()));
            }
            case "RENAME_TABLE" -> {
                hits.add(new Hit(Rule.RENAME_TABLE, table + " -> " + e.getNewTableName()));
                hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, "RENAME TABLE " + table));
            }
            case "CONVERT" -> {
                if (!newTable) {
                    hits.add(new Hit(Rule.TABLE_COPY_ALTER, "CONVERT TO CHARACTER SET on " + table));
                }
            }
            case "ALGORITHM" -> {
                if ("COPY".equalsIgnoreCase(e.getAlgorithmOption()) && !newTable) {
                    hits.add(new Hit(Rule.TABLE_COPY_ALTER, "ALGORITHM=COPY on " + table));
                }
            }
            case "ENGINE", "FORCE" -> {
                if (!newTable) {
                    hits.add(new Hit(Rule.TABLE_COPY_ALTER, op + " rebuilds " + table));
                }
            }
            default -> {
                // ADD INDEX, ALTER COLUMN SET DEFAULT, COMMENT …: in place or metadata only.
            }
        }
    }

    /** Keyword checks for statements JSqlParser cannot parse. */
    private static Analysis fallback(String sql, Set<String> newTables) {
        List<Hit> hits = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        String upper = sql.toUpperCase(Locale.ROOT);
        Matcher drop = DROP_TABLE.matcher(sql);
        Matcher alter = ALTER_TABLE.matcher(sql);
        if (drop.matches()) {
            for (String t : drop.group(3).split(",")) {
                touched.add(unquote(t.strip()));
                hits.add(new Hit(Rule.DROP_TABLE, "table " + unquote(t.strip())));
            }
        } else if (upper.startsWith("TRUNCATE")) {
            hits.add(new Hit(Rule.TRUNCATE_TABLE, sql));
        } else if (upper.startsWith("RENAME TABLE")) {
            hits.add(new Hit(Rule.RENAME_TABLE, sql));
        } else if (alter.matches()) {
            String t = unquote(alter.group(2));
            touched.add(t);
            String clauses = alter.group(3).toUpperCase(Locale.ROOT);
            if (clauses.matches("(?s).*\\bDROP\\s+(COLUMN\\s+)?(?!INDEX|KEY|FOREIGN|PRIMARY|CONSTRAINT|CHECK|PARTITION)`?\\w+.*")) {
                hits.add(new Hit(Rule.DROP_COLUMN, "in ALTER TABLE " + t));
            }
            if (clauses.matches("(?s).*\\bRENAME\\s+(COLUMN\\b.*|TO\\b.*|AS\\b.*)")) {
                hits.add(new Hit(Rule.RENAME_COLUMN, "in ALTER TABLE " + t));
            }
            if (clauses.matches("(?s).*\\b(MODIFY|CHANGE)\\b.*") && !newTables.contains(t)) {
                hits.add(new Hit(Rule.TABLE_COPY_ALTER, "column redefinition in ALTER TABLE " + t));
            }
            hits.add(new Hit(Rule.UNPARSED, "ALTER TABLE " + t));
        } else {
            hits.add(new Hit(Rule.UNPARSED, firstWords(sql)));
        }
        return new Analysis(hits, touched, Set.of());
    }

    private static String firstWords(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String specs(ColumnDefinition c) {
        return c.getColumnSpecs() == null ? "" : String.join(" ", c.getColumnSpecs()).toUpperCase(Locale.ROOT);
    }

    static String name(Table t) {
        return t == null ? "" : unquote(t.getName());
    }

    static String unquote(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        if (t.length() >= 2 && (t.startsWith("`") && t.endsWith("`") || t.startsWith("\"") && t.endsWith("\""))) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }
}
