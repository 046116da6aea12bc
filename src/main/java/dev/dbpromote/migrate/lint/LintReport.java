package dev.dbpromote.migrate.lint;

import java.util.List;

/** The findings of one lint run, in file and line order. */
public record LintReport(int filesChecked, int statementsChecked, List<LintFinding> findings) {

    public LintReport {
        findings = List.copyOf(findings);
    }

    public List<LintFinding> blocking() {
        return findings.stream().filter(LintFinding::blocking).toList();
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }
}
