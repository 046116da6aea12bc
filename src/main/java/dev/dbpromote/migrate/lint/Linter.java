package dev.dbpromote.migrate.lint;

import dev.dbpromote.migrate.MigrationFile;
import dev.dbpromote.migrate.SqlStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lints migrations before they run, following the schema through the files: tables and columns created,
 * changed and dropped by earlier statements are known to later ones (a column made NOT NULL that already
 * was is not flagged; a type change is compared with the type it had).
 *
 * <p>Whether a risky change matters depends on the data it meets:
 * <ul>
 *   <li>A table created earlier in the same file is new: nothing of it can be lost, no running code uses it.
 *   <li>With a target database ({@code dbpromote migrate}, {@code dbpromote lint --env X}), a table the run
 *       creates, or one that is empty or missing there, is not at risk either: destructive and blocking
 *       findings on it are {@code info}; on a table with rows they name its row count and size.
 *   <li>Without a database ({@code dbpromote lint}), a table created by an earlier file may hold production
 *       data by now: lint stays conservative.
 * </ul>
 *
 * <pre>{@code
 * LintReport report = new Linter(config.migrations().allow()).lint(set.files());
 * }</pre>
 */
public final class Linter {

    private static final Pattern KEYWORD_DROP_TABLE = Pattern.compile("(?is)^\\s*DROP\\s+(TEMPORARY\\s+)?TABLE\\s+(IF\\s+EXISTS\\s+)?(.+)$");
    private static final Pattern KEYWORD_ALTER = Pattern.compile("(?is)^\\s*ALTER\\s+(ONLINE\\s+|IGNORE\\s+)?TABLE\\s+(`[^`]+`|\\S+)\\s+(.*)$");
    private static final Pattern KEYWORD_DROP_COLUMN = Pattern.compile(
            "(?is)(^|.*[\\s,])DROP\\s+(COLUMN\\s+)?(?!INDEX\\b|KEY\\b|FOREIGN\\b|PRIMARY\\b|CONSTRAINT\\b|CHECK\\b|PARTITION\\b)`?\\w+.*");

    private final Set<String> allowedEverywhere;

    /** @param allowedEverywhere rule ids allowed in every file (config {@code migrations.allow}) */
    public Linter(Collection<String> allowedEverywhere) {
        this.allowedEverywhere = Set.copyOf(allowedEverywhere);
    }

    /** Lints {@code files} without a database: conservative. */
    public LintReport lint(List<MigrationFile> files) {
        return lint(files, 0, null);
    }

    /** Lints {@code files}, the pending migrations of {@code target}, against what it holds. */
    public LintReport lint(List<MigrationFile> files, LintTarget target) {
        return lint(files, 0, target);
    }

    /**
     * Lints {@code files} from index {@code firstReported} on; the files before it only teach the schema
     * ({@code migrations.lintFrom}).
     *
     * @param target the database the files will run on, or null
     */
    public LintReport lint(List<MigrationFile> files, int firstReported, LintTarget target) {
        Run run = new Run(target);
        int statements = 0;
        for (int i = 0; i < files.size(); i++) {
            MigrationFile file = files.get(i);
            boolean report = i >= firstReported;
            if (report) {
                run.findings.addAll(checkAllows(file));
            }
            run.startFile(i);
            for (SqlStatement st : file.statements()) {
                if (report) {
                    statements++;
                }
                List<Hit> hits = run.statement(st);
                if (!report) {
                    continue;
                }
                for (Hit hit : hits) {
                    Severity severity = hit.severity();
                    String reason = file.allowed().get(hit.rule().id());
                    if (reason == null && allowedEverywhere.contains(hit.rule().id())) {
                        reason = "allowed for all migrations in dbpromote.yaml (migrations.allow)";
                    }
                    run.findings.add(new LintFinding(hit.rule().id(), severity, file.script(), st.line(), st.summary(),
                            hit.detail() + ": " + hit.rule().explanation() + hit.context(),
                            reason == null || reason.isBlank() ? null : reason));
                }
            }
        }
        return new LintReport(files.size() - Math.min(firstReported, files.size()), statements, run.findings);
    }

    /** Tables each statement touches, per file: input to the rehearsal report. */
    public static Map<String, Set<String>> touchedTables(List<MigrationFile> files) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Set<String> newTables = new HashSet<>();
        for (MigrationFile file : files) {
            Set<String> touched = new LinkedHashSet<>();
            for (SqlStatement st : file.statements()) {
                StatementAnalyzer.Analysis a = StatementAnalyzer.analyze(st, newTables);
                touched.addAll(a.touched());
                touched.addAll(a.created());
                newTables.addAll(a.created());
            }
            out.put(file.version(), touched);
        }
        return out;
    }

    /** A rule hit before allow-lists and file/line are applied. @param context what the data says, appended to the message */
    private record Hit(Rule rule, Severity severity, String detail, String context) {
    }

    /** A column as lint last saw it. @param type null when unknown */
    private record Col(String name, SqlType type, boolean nullable, boolean autoIncrement) {
    }

    /** A table as lint last saw it. */
    private static final class Table {
        final String name;
        /** by lower-case name; null when the columns are unknown (created before the linted files, or LIKE/AS SELECT) */
        Map<String, Col> columns;
        /** index of the file that created it in this run, or -1 */
        int createdIn = -1;
        /** its name in the target database (before renames in this run), or null when it is not there */
        String inTarget;

        Table(String name, Map<String, Col> columns) {
            this.name = name;
            this.columns = columns;
        }

        Col column(String name) {
            return columns == null ? null : columns.get(key(name));
        }
    }

    /** The state of one lint run: the schema so far and the findings. */
    private final class Run {
        final LintTarget target;
        final List<LintFinding> findings = new ArrayList<>();
        final Map<String, Table> tables = new HashMap<>();
        /** {@code table.column} → line of an UPDATE in the current file that fills its NULLs */
        final Map<String, Integer> backfilled = new HashMap<>();
        int file;

        Run(LintTarget target) {
            this.target = target;
        }

        void startFile(int index) {
            file = index;
            backfilled.clear();
        }

        Table table(String name) {
            return tables.computeIfAbsent(key(name), k -> {
                LintTarget.TableFacts facts = target == null ? null : target.table(name);
                if (facts == null) {
                    return new Table(name, null);
                }
                Map<String, Col> cols = new LinkedHashMap<>();
                facts.columns().forEach((c, f) -> cols.put(c, new Col(f.name(), f.type(), f.nullable(), f.autoIncrement())));
                Table t = new Table(facts.name(), cols);
                t.inTarget = facts.name();
                return t;
            });
        }

        /** New in this run: created earlier in this file, or (with a target, which does not have it yet) in an earlier one. */
        boolean isNew(Table t) {
            return t.createdIn == file || t.createdIn >= 0 && target != null;
        }

        List<Hit> statement(SqlStatement st) {
            List<Hit> hits = new ArrayList<>();
            Ddl.Change change = Ddl.read(st.sql());
            if (change instanceof Ddl.CreateTable ct) {
                createTable(ct, hits);
            } else if (change instanceof Ddl.DropTables d) {
                for (String name : d.tables()) {
                    Table t = table(name);
                    destructive(hits, Rule.DROP_TABLE, t, "table " + t.name);
                    tables.remove(key(name));
                    tables.put(key(name), gone(name));
                }
            } else if (change instanceof Ddl.Truncate tr) {
                destructive(hits, Rule.TRUNCATE_TABLE, table(tr.table()), "table " + table(tr.table()).name);
            } else if (change instanceof Ddl.RenameTables r) {
                for (String[] pair : r.pairs()) {
                    Table t = table(pair[0]);
                    breaking(hits, Rule.RENAME_TABLE, t, t.name + " -> " + pair[1]);
                    replication(hits, t, "RENAME TABLE " + t.name);
                    rename(t, pair[1]);
                }
            } else if (change instanceof Ddl.CreateIndex ci) {
                if (ci.unique()) {
                    blocking(hits, Rule.UNIQUE_INDEX_EXISTING, table(ci.table()), "unique index on " + table(ci.table()).name);
                }
            } else if (change instanceof Ddl.AlterTable a) {
                alter(a, hits);
            } else if (change instanceof Ddl.Update u) {
                for (String column : u.columns()) {
                    if (u.where() == null || Pattern.compile("(?i)(^|[^\\w])" + Pattern.quote(column) + "\\s+IS\\s+NULL\\b")
                            .matcher(u.where()).find()) {
                        backfilled.put(key(u.table()) + "." + key(column), st.line());
                    }
                }
            } else if (change instanceof Ddl.Other o) {
                if (o.ddl()) {
                    keywordChecks(st.sql(), hits);
                }
            }
            return hits;
        }

        private Table gone(String name) {
            // Dropped: if it comes back in this run it is created again (new); until then nothing is known.
            Table t = new Table(name, new LinkedHashMap<>());
            t.createdIn = -2;
            return t;
        }

        private void rename(Table t, String to) {
            tables.remove(key(t.name));
            Table moved = new Table(to, t.columns);
            moved.createdIn = t.createdIn;
            moved.inTarget = t.inTarget;
            tables.put(key(to), moved);
        }

        private void createTable(Ddl.CreateTable ct, List<Hit> hits) {
            Table existing = tables.get(key(ct.table()));
            boolean exists = existing != null && existing.createdIn != -2 || existing == null && target != null && target.table(ct.table()) != null;
            if (ct.ifNotExists() && exists) {
                return; // CREATE TABLE IF NOT EXISTS on a table that is there: changes nothing
            }
            Map<String, Col> cols = null;
            if (ct.columns() != null) {
                cols = new LinkedHashMap<>();
                for (Ddl.Column c : ct.columns()) {
                    cols.put(key(c.name()), new Col(c.name(), c.type(), !c.notNull(), c.autoIncrement()));
                }
                if (!ct.hasPrimaryKey()) {
                    hits.add(new Hit(Rule.NO_PRIMARY_KEY, Rule.NO_PRIMARY_KEY.severity(), "table " + ct.table(), ""));
                }
            }
            Table t = new Table(ct.table(), cols);
            t.createdIn = file;
            tables.put(key(ct.table()), t);
        }

        private void alter(Ddl.AlterTable a, List<Hit> hits) {
            Table t = table(a.table());
            for (Ddl.Clause clause : a.clauses()) {
                if (clause instanceof Ddl.AddColumn add) {
                    Ddl.Column c = add.column();
                    if (c.notNull() && !c.hasDefault() && !c.autoIncrement() && !c.generated()) {
                        blocking(hits, Rule.NOT_NULL_WITHOUT_DEFAULT, t, t.name + "." + c.name());
                    }
                    if (add.positioned()) {
                        replication(hits, t, "ADD COLUMN " + t.name + "." + c.name() + " not at the end of the table");
                    }
                    if (t.columns != null) {
                        t.columns.put(key(c.name()), new Col(c.name(), c.type(), !c.notNull(), c.autoIncrement()));
                    }
                } else if (clause instanceof Ddl.DropColumn d) {
                    destructive(hits, Rule.DROP_COLUMN, t, t.name + "." + d.column());
                    replication(hits, t, "DROP COLUMN " + t.name + "." + d.column());
                    if (t.columns != null) {
                        t.columns.remove(key(d.column()));
                    }
                } else if (clause instanceof Ddl.ModifyColumn m) {
                    modify(t, m, hits);
                } else if (clause instanceof Ddl.RenameColumn r) {
                    breaking(hits, Rule.RENAME_COLUMN, t, t.name + "." + r.oldName() + " -> " + r.newName());
                    replication(hits, t, "RENAME COLUMN " + t.name + "." + r.oldName());
                    Col c = t.column(r.oldName());
                    if (c != null) {
                        t.columns.remove(key(r.oldName()));
                        t.columns.put(key(r.newName()), new Col(r.newName(), c.type(), c.nullable(), c.autoIncrement()));
                    }
                } else if (clause instanceof Ddl.RenameTo r) {
                    breaking(hits, Rule.RENAME_TABLE, t, t.name + " -> " + r.newName());
                    replication(hits, t, "RENAME TABLE " + t.name);
                    rename(t, r.newName());
                    t = table(r.newName());
                } else if (clause instanceof Ddl.AddIndex idx) {
                    if (idx.unique()) {
                        blocking(hits, Rule.UNIQUE_INDEX_EXISTING, t, "unique index on " + t.name);
                    }
                } else if (clause instanceof Ddl.AddPrimaryKey pk) {
                    blocking(hits, Rule.TABLE_COPY_ALTER, t, "ADD PRIMARY KEY on " + t.name);
                } else if (clause instanceof Ddl.DropPrimaryKey pk) {
                    blocking(hits, Rule.TABLE_COPY_ALTER, t, "DROP PRIMARY KEY on " + t.name);
                } else if (clause instanceof Ddl.RenameIndex r) {
                    breaking(hits, Rule.RENAME_INDEX, t, t.name + " index " + r.oldName() + " -> " + r.newName());
                } else if (clause instanceof Ddl.Rebuild r) {
                    blocking(hits, Rule.TABLE_COPY_ALTER, t, r.what() + " rebuilds " + t.name);
                } else if (clause instanceof Ddl.Unreadable u) {
                    hits.add(new Hit(Rule.UNPARSED, Rule.UNPARSED.severity(), "ALTER TABLE " + t.name + " … " + shorten(u.text()), ""));
                    if (KEYWORD_DROP_COLUMN.matcher(u.text()).matches()) {
                        destructive(hits, Rule.DROP_COLUMN, t, "in ALTER TABLE " + t.name);
                    }
                } else if (clause instanceof Ddl.OtherClause o) {
                    // ADD/DROP INDEX, ALTER COLUMN SET DEFAULT, COMMENT, foreign keys …: in place or metadata only.
                }
            }
        }

        private void modify(Table t, Ddl.ModifyColumn m, List<Hit> hits) {
            Ddl.Column c = m.column();
            Col before = t.column(m.oldName());
            String column = t.name + "." + m.oldName();
            if (!key(m.oldName()).equals(key(c.name()))) {
                breaking(hits, Rule.RENAME_COLUMN, t, column + " -> " + c.name());
            }
            // A character set or collation given may differ from the column's (lint does not track them): a copy too.
            boolean typeChanged = before == null || before.type() == null || !before.type().equals(c.type()) || c.charset();
            if (typeChanged) {
                blocking(hits, Rule.TABLE_COPY_ALTER, t, "MODIFY/CHANGE COLUMN " + column + (before == null || before.type() == null
                        ? " to " + c.type() + " (a type change copies the table)" : " from " + before.type() + " to " + c.type()
                        + (before.type().equals(c.type()) ? " with a character set or collation" : "")));
                replication(hits, t, "MODIFY/CHANGE COLUMN " + column);
            } else if (c.autoIncrement() && !before.autoIncrement()) {
                blocking(hits, Rule.TABLE_COPY_ALTER, t, "AUTO_INCREMENT added to " + column + " (MySQL copies the table)");
            }
            if (before != null && before.type() != null) {
                String why = before.type().narrowing(c.type());
                if (why != null) {
                    narrowing(hits, t, column, before.type(), c.type(), why);
                }
            }
            if (c.notNull() && (before == null || before.nullable())) {
                Integer backfill = backfilled.get(key(t.name) + "." + key(m.oldName()));
                if (backfill != null) {
                    hits.add(new Hit(Rule.NOT_NULL_EXISTING, Severity.INFO, column, " (safe: the UPDATE at line " + backfill
                            + " fills its NULLs first)"));
                } else {
                    setNotNull(hits, t, m.oldName(), column, before == null);
                }
            }
            if (t.columns != null) {
                t.columns.remove(key(m.oldName()));
                t.columns.put(key(c.name()), new Col(c.name(), c.type(), !c.notNull(), c.autoIncrement()));
            }
        }

        private void setNotNull(List<Hit> hits, Table t, String column, String what, boolean unknownBefore) {
            String note = unknownBefore ? " (its current definition is not known to lint)" : "";
            String state = dataState(t);
            if (state != null) {
                if (!state.isEmpty()) {
                    hits.add(new Hit(Rule.NOT_NULL_EXISTING, Severity.INFO, what, state));
                }
                return;
            }
            if (target != null && isInTarget(t)) {
                long nulls = target.nullRows(t.inTarget, column);
                note = " (" + (nulls < 0 ? "NULL count unknown" : nulls + " of " + target.rowsText(t.inTarget) + " hold NULL") + " on "
                        + target.describe() + ")";
            }
            hits.add(new Hit(Rule.NOT_NULL_EXISTING, Rule.NOT_NULL_EXISTING.severity(), what, note));
        }

        private void narrowing(List<Hit> hits, Table t, String column, SqlType from, SqlType to, String why) {
            String detail = column + " " + from + " -> " + to + " (" + why + ")";
            String state = dataState(t);
            if (state != null) {
                hits.add(new Hit(Rule.NARROWING_TYPE, Severity.INFO, detail, state.isEmpty() ? newNote(t) : state));
                return;
            }
            String note = "";
            if (target != null && isInTarget(t)) {
                String col = column.substring(column.indexOf('.') + 1);
                long misfits = target.rowsNotFitting(t.inTarget, col, from, to);
                note = " (" + (misfits < 0 ? "lint cannot count the rows that would not fit" : misfits + " of " + target.rowsText(t.inTarget)
                        + " would not fit") + " on " + target.describe() + ")";
            }
            hits.add(new Hit(Rule.NARROWING_TYPE, Rule.NARROWING_TYPE.severity(), detail, note));
        }

        /** Data loss: info when the table is new, empty or missing; otherwise the rule's severity, with the row count. */
        private void destructive(List<Hit> hits, Rule rule, Table t, String detail) {
            String state = dataState(t);
            if (state != null) {
                hits.add(new Hit(rule, Severity.INFO, detail, state.isEmpty() ? newNote(t) : state));
            } else {
                hits.add(new Hit(rule, rule.severity(), detail, rowsNote(t)));
            }
        }

        /** Locks, rebuilds, failing ALTERs: nothing to report on a new table, info on an empty one. */
        private void blocking(List<Hit> hits, Rule rule, Table t, String detail) {
            String state = dataState(t);
            if (state == null) {
                hits.add(new Hit(rule, rule.severity(), detail, rowsNote(t)));
            } else if (!state.isEmpty()) {
                hits.add(new Hit(rule, Severity.INFO, detail, state));
            }
        }

        /** Renames break the running version's queries whether or not the table holds rows, unless it is new. */
        private void breaking(List<Hit> hits, Rule rule, Table t, String detail) {
            if (isNew(t)) {
                hits.add(new Hit(rule, Severity.INFO, detail, newNote(t)));
            } else {
                hits.add(new Hit(rule, rule.severity(), detail, rowsNote(t)));
            }
        }

        /** Blue/Green: a table new on green is not replicated from blue. */
        private void replication(List<Hit> hits, Table t, String detail) {
            if (!isNew(t)) {
                hits.add(new Hit(Rule.BLUE_GREEN_INCOMPATIBLE, Rule.BLUE_GREEN_INCOMPATIBLE.severity(), detail, ""));
            }
        }

        /**
         * "" when the table is new in this run, a note when the target says it is empty or missing, null when
         * it may hold data (or there is no target to ask).
         */
        private String dataState(Table t) {
            if (isNew(t)) {
                return "";
            }
            if (target == null) {
                return null;
            }
            if (!isInTarget(t)) {
                return " (" + t.name + " does not exist on " + target.describe() + ")";
            }
            return target.rows(t.inTarget) == 0 ? " (" + t.name + " is empty on " + target.describe() + ")" : null;
        }

        private boolean isInTarget(Table t) {
            return t.createdIn == -1 && t.inTarget != null;
        }

        private String newNote(Table t) {
            return " (" + t.name + " is created " + (t.createdIn == file ? "earlier in this file" : "earlier in this run")
                    + ": no data to lose, no running code uses it)";
        }

        private String rowsNote(Table t) {
            return target != null && isInTarget(t) ? " (" + t.name + " has " + target.rowsText(t.inTarget) + " on " + target.describe() + ")" : "";
        }

        /** For table DDL the reader could not follow: the old keyword checks, and a warning saying so. */
        private void keywordChecks(String sql, List<Hit> hits) {
            Matcher drop = KEYWORD_DROP_TABLE.matcher(sql);
            Matcher alter = KEYWORD_ALTER.matcher(sql);
            if (drop.matches()) {
                for (String name : drop.group(3).split(",")) {
                    Table t = table(StatementAnalyzer.unquote(name.strip()));
                    destructive(hits, Rule.DROP_TABLE, t, "table " + t.name);
                }
            } else if (alter.matches()) {
                Table t = table(StatementAnalyzer.unquote(alter.group(2)));
                if (KEYWORD_DROP_COLUMN.matcher(alter.group(3)).matches()) {
                    destructive(hits, Rule.DROP_COLUMN, t, "in ALTER TABLE " + t.name);
                }
            }
            hits.add(new Hit(Rule.UNPARSED, Rule.UNPARSED.severity(), shorten(sql), ""));
        }
    }

    private static String shorten(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static List<LintFinding> checkAllows(MigrationFile file) {
        List<LintFinding> out = new ArrayList<>();
        for (Map.Entry<String, String> allow : file.allowed().entrySet()) {
            if (Rule.byId(allow.getKey()).isEmpty()) {
                out.add(new LintFinding(Rule.UNKNOWN_RULE.id(), Severity.ERROR, file.script(), 1, "-- dbpromote:allow " + allow.getKey(),
                        "'" + allow.getKey() + "' is not a lint rule; rules: " + ruleIds(), null));
            } else if (allow.getValue().isBlank()) {
                out.add(new LintFinding(Rule.ALLOW_WITHOUT_REASON.id(), Severity.ERROR, file.script(), 1, "-- dbpromote:allow " + allow.getKey(),
                        "allowing '" + allow.getKey() + "' needs a reason: -- dbpromote:allow " + allow.getKey()
                                + " <why it is safe>", null));
            }
        }
        return out;
    }

    private static String ruleIds() {
        List<String> ids = new ArrayList<>();
        for (Rule r : Rule.values()) {
            if (r != Rule.ALLOW_WITHOUT_REASON && r != Rule.UNKNOWN_RULE) {
                ids.add(r.id());
            }
        }
        return String.join(", ", ids);
    }
}
