package dev.dbpromote.bench;

import dev.dbpromote.migrate.MigrationScanner;
import dev.dbpromote.migrate.MigrationSet;
import dev.dbpromote.migrate.lint.LintFinding;
import dev.dbpromote.migrate.lint.LintReport;
import dev.dbpromote.migrate.lint.LintTarget;
import dev.dbpromote.migrate.lint.Linter;
import dev.dbpromote.migrate.lint.SqlType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lint findings on migration folders, counted per label and rule: as {@code dbpromote lint} sees them (no
 * database, conservative) and as {@code dbpromote migrate} sees them on an empty database (a new environment,
 * a CI database). For measuring lint on real-world sets; no files are kept.
 *
 * <pre>mvn -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.dbpromote.bench.LintMeasure -Dexec.args="DIR…"</pre>
 */
public final class LintMeasure {

    private LintMeasure() {
    }

    public static void main(String[] args) {
        for (String dir : args) {
            MigrationSet set = MigrationScanner.scan(List.of(Path.of(dir)), "auto");
            report(dir + " [lint, no database]", new Linter(List.of()).lint(set.files()), set);
            report(dir + " [migrate into an empty database]", new Linter(List.of()).lint(set.files(), new EmptyDatabase()), set);
        }
    }

    private static void report(String title, LintReport r, MigrationSet set) {
        System.out.println("== " + title + ": " + set.files().size() + " files, " + r.statementsChecked() + " statements");
        Map<String, Integer> counts = new TreeMap<>();
        for (LintFinding f : r.findings()) {
            counts.merge(f.label() + " " + f.rule(), 1, Integer::sum);
            System.out.println("  " + f.format());
        }
        System.out.println("  counts: " + counts + ", blocking: " + r.blocking().size());
    }

    /** A database with no tables: every table the set touches is created by it. */
    private static final class EmptyDatabase implements LintTarget {
        @Override
        public String describe() {
            return "an empty database";
        }

        @Override
        public TableFacts table(String name) {
            return null;
        }

        @Override
        public long rows(String table) {
            return 0;
        }

        @Override
        public long bytes(String table) {
            return 0;
        }

        @Override
        public long rowsNotFitting(String table, String column, SqlType from, SqlType to) {
            return 0;
        }

        @Override
        public long nullRows(String table, String column) {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
