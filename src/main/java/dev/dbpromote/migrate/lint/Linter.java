package dev.dbpromote.migrate.lint;

import dev.dbpromote.migrate.MigrationFile;
import dev.dbpromote.migrate.SqlStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lints migrations before they run. A table counts as new (so adding NOT NULL columns or unique
 * indexes to it is fine) when a statement earlier in the files being linted together created it;
 * {@code dbpromote migrate} lints the pending migrations together, {@code dbpromote lint} all files
 * from {@code migrations.lintFrom} on.
 *
 * <pre>{@code
 * LintReport report = new Linter(config.migrations().allow()).lint(set.files());
 * }</pre>
 */
public final class Linter {

    /** What a blue/green target adds to a {@code bluegreen-incompatible} finding: the way to make the change safely. */
    public static final String EXPAND_CONTRACT = "on a blue-green target this stops replication from blue to green. Use"
            + " expand/contract instead: now only add (new columns at the end of the table with a DEFAULT, new tables,"
            + " indexes), let the service write both shapes, and drop or rename the old column/table in a later release"
            + " after the switchover";

    private final Set<String> allowedEverywhere;
    private final boolean blueGreenTarget;

    /** @param allowedEverywhere rule ids allowed in every file (config {@code migrations.allow}) */
    public Linter(Collection<String> allowedEverywhere) {
        this(allowedEverywhere, false);
    }

    /** @param blueGreenTarget the migrations run on a blue/green green: {@code bluegreen-incompatible} is an error */
    public Linter(Collection<String> allowedEverywhere, boolean blueGreenTarget) {
        this.allowedEverywhere = Set.copyOf(allowedEverywhere);
        this.blueGreenTarget = blueGreenTarget;
    }

    public LintReport lint(List<MigrationFile> files) {
        List<LintFinding> findings = new ArrayList<>();
        Set<String> newTables = new HashSet<>();
        int statements = 0;
        for (MigrationFile file : files) {
            findings.addAll(checkAllows(file));
            for (SqlStatement st : file.statements()) {
                statements++;
                StatementAnalyzer.Analysis a = StatementAnalyzer.analyze(st, newTables);
                for (StatementAnalyzer.Hit hit : a.hits()) {
                    String reason = file.allowed().get(hit.rule().id());
                    if (reason == null && allowedEverywhere.contains(hit.rule().id())) {
                        reason = "allowed for all migrations in dbpromote.yaml (migrations.allow)";
                    }
                    boolean onGreen = blueGreenTarget && hit.rule() == Rule.BLUE_GREEN_INCOMPATIBLE;
                    findings.add(new LintFinding(hit.rule().id(), onGreen ? Severity.ERROR : hit.rule().severity(), file.script(),
                            st.line(), st.summary(), hit.detail() + ": " + (onGreen ? EXPAND_CONTRACT : hit.rule().explanation()),
                            reason == null || reason.isBlank() ? null : reason));
                }
                newTables.addAll(a.created());
            }
        }
        return new LintReport(files.size(), statements, findings);
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
