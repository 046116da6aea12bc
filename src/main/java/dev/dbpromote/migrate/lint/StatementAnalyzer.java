package dev.dbpromote.migrate.lint;

import dev.dbpromote.migrate.SqlStatement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Which tables one statement reads, changes or creates: the rehearsal measures them before each migration
 * runs. JSqlParser first; for what it cannot parse, the leading clause. (Lint reads DDL with {@link Ddl}.)
 */
final class StatementAnalyzer {

    /** @param created tables this statement creates; @param touched tables it reads or changes */
    record Analysis(Set<String> touched, Set<String> created) {
    }

    private static final Pattern ROUTINE = Pattern.compile(
            "(?is)^(CREATE|DROP)\\s+(OR\\s+REPLACE\\s+)?(DEFINER\\s*=\\s*\\S+\\s+)?(PROCEDURE|FUNCTION|TRIGGER|EVENT|VIEW|ALGORITHM|SQL)\\b.*");
    private static final Pattern SET_OR_USE = Pattern.compile("(?is)^(SET|USE|SELECT|DO|CALL|LOCK|UNLOCK|ANALYZE|OPTIMIZE|FLUSH|GRANT|REVOKE)\\b.*");

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
            return new Analysis(Set.of(), Set.of());
        }
        Statement parsed = parse(sql);
        if (parsed == null) {
            return fallback(sql);
        }
        Set<String> touched = new LinkedHashSet<>();
        Set<String> created = new LinkedHashSet<>();
        if (parsed instanceof CreateTable ct) {
            created.add(name(ct.getTable()));
        } else if (parsed instanceof Drop d) {
            if ("TABLE".equalsIgnoreCase(d.getType())) {
                touched.add(name(d.getName()));
            }
        } else if (parsed instanceof Truncate tr) {
            touched.add(name(tr.getTable()));
        } else if (parsed instanceof RenameTableStatement r) {
            r.getTableNames().forEach(e -> touched.add(name(e.getKey())));
        } else if (parsed instanceof CreateIndex ci) {
            touched.add(name(ci.getTable()));
        } else if (parsed instanceof Alter a) {
            touched.add(name(a.getTable()));
        } else if (parsed instanceof Insert i) {
            touched.add(name(i.getTable()));
        } else if (parsed instanceof Update u) {
            touched.add(name(u.getTable()));
        } else if (parsed instanceof Delete d) {
            if (d.getTable() != null) {
                touched.add(name(d.getTable()));
            }
        }
        return new Analysis(touched, created);
    }

    /** The table a statement JSqlParser cannot parse works on, from its leading clause. */
    private static Analysis fallback(String sql) {
        Ddl.Change change = Ddl.read(sql);
        if (change instanceof Ddl.CreateTable ct) {
            return new Analysis(Set.of(), Set.of(ct.table()));
        }
        Set<String> touched = new LinkedHashSet<>();
        if (change instanceof Ddl.AlterTable a) {
            touched.add(a.table());
        } else if (change instanceof Ddl.DropTables d) {
            touched.addAll(d.tables());
        } else if (change instanceof Ddl.Truncate t) {
            touched.add(t.table());
        } else if (change instanceof Ddl.CreateIndex ci) {
            touched.add(ci.table());
        } else if (change instanceof Ddl.RenameTables r) {
            r.pairs().forEach(p -> touched.add(p[0]));
        } else if (change instanceof Ddl.Update u) {
            touched.add(u.table());
        }
        return new Analysis(touched, Set.of());
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
