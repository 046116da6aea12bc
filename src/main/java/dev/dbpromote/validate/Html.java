package dev.dbpromote.validate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.StringEscapeUtils;

/**
 * The static HTML report: a summary line, one section per table (tables with failures first, failed
 * expectations first within a table), failing-row samples as tables, then the source comparison. No
 * scripts and no inline styles; every value from the database or the suite is escaped.
 */
final class Html {

    static final String CSS = """
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5rem 2rem;color:#1d2329;max-width:75rem}
            h1{font-size:1.4rem;margin-bottom:.3rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
            .summary{font-size:1.05rem;padding:.6rem .8rem;border-radius:4px;margin:.6rem 0 1rem}
            .summary.failed{background:#ffebe9;border:1px solid #ff8182}.summary.passed{background:#dafbe1;border:1px solid #4ac26b}
            .summary.warned{background:#fff8c5;border:1px solid #d4a72c}
            table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:.92rem}
            th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
            th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .FAIL{color:#cf222e;font-weight:700}.WARN{color:#9a6700;font-weight:700}.PASS{color:#1a7f37}
            table.samples{width:auto;font-size:.85rem;margin:.3rem 0 .2rem}table.samples th{background:#fff5f5}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88em}
            .meta{color:#57606a;font-size:.9rem}
            """;

    private Html() {
    }

    static String render(ValidationResult r) {
        StringBuilder h = new StringBuilder(16_384);
        ValidationResult.Statistics s = r.statistics();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Data validation: ").append(e(r.suite())).append(" on ").append(e(r.database())).append("</title>")
                .append("<link rel=\"stylesheet\" href=\"validate.css\"></head>\n<body>\n");
        h.append("<h1>Data validation: suite <code>").append(e(r.suite())).append("</code> on <code>").append(e(r.database()))
                .append("</code></h1>\n");
        long failing = r.results().stream().filter(ExpectationResult::failsRun).count();
        long compareFailing = r.comparison() == null ? 0 : r.comparison().tables().stream().filter(SourceComparison.TableDiff::failsRun).count();
        String verdict = r.success() ? "PASSED" : r.warnOnly() ? "FAILED (warn-only)" : "FAILED";
        String cls = r.success() ? (s.warnings() > 0 ? "warned" : "passed") : r.warnOnly() ? "warned" : "failed";
        h.append("<p class=\"summary ").append(cls).append("\"><strong>").append(verdict).append("</strong> — ")
                .append(s.successfulExpectations()).append(" of ").append(s.evaluatedExpectations()).append(" expectations passed");
        if (failing > 0) {
            h.append(", <strong>").append(failing).append(" failed</strong>");
        }
        if (s.warnings() > 0) {
            h.append(", ").append(s.warnings()).append(" warn-only failed");
        }
        if (r.comparison() != null) {
            h.append("; compared with the source: ").append(compareFailing == 0 ? "no unexpected differences"
                    : "<strong>" + compareFailing + " table(s) differ</strong>");
        }
        h.append(".</p>\n");
        h.append("<p class=\"meta\">").append(e(r.server())).append(" · strategy ").append(e(r.strategy())).append(" · ")
                .append(r.queries()).append(" queries in ").append(Reports.seconds(r.duration().toMillis())).append(" s · ")
                .append(e(r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())).append(" · suite <code>").append(e(String.valueOf(r.suiteFile()))).append("</code></p>\n");

        Map<String, List<ExpectationResult>> byTable = new LinkedHashMap<>();
        r.results().forEach(x -> byTable.computeIfAbsent(x.table(), k -> new ArrayList<>()).add(x));
        List<Map.Entry<String, List<ExpectationResult>>> tables = new ArrayList<>(byTable.entrySet());
        tables.sort((a, b) -> Integer.compare(rank(a.getValue()), rank(b.getValue())));

        h.append("<table><thead><tr><th>Table</th><th>Expectations</th><th>Failed</th><th>Status</th></tr></thead><tbody>\n");
        for (var t : tables) {
            long f = t.getValue().stream().filter(x -> !x.success()).count();
            int rank = rank(t.getValue());
            h.append("<tr><td><a href=\"#t-").append(e(anchor(t.getKey()))).append("\">").append(e(t.getKey())).append("</a></td><td class=\"num\">")
                    .append(t.getValue().size()).append("</td><td class=\"num\">").append(f).append("</td><td>")
                    .append(status(rank == 0 ? "FAIL" : rank == 1 ? "WARN" : "PASS")).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");

        for (var t : tables) {
            List<ExpectationResult> list = new ArrayList<>(t.getValue());
            list.sort(Reports.failedFirst());
            h.append("<h2 id=\"t-").append(e(anchor(t.getKey()))).append("\">Table <code>").append(e(t.getKey())).append("</code></h2>\n");
            h.append("<table><thead><tr><th>Status</th><th>Expectation</th><th>Arguments</th><th>Result</th><th>Line</th></tr></thead><tbody>\n");
            for (ExpectationResult x : list) {
                String st = x.success() ? "PASS" : x.warnOnly() ? "WARN" : "FAIL";
                h.append("<tr><td>").append(status(st)).append("</td><td><code>").append(e(x.type())).append("</code></td><td><code>")
                        .append(e(args(x.kwargs()))).append("</code></td><td>").append(e(x.message()));
                if (!x.samples().isEmpty()) {
                    h.append("<table class=\"samples\"><caption class=\"meta\">failing rows")
                            .append(x.unexpectedCount() != null && x.unexpectedCount() > x.samples().size() ? " (first " + x.samples().size() + ")" : "")
                            .append("</caption><thead><tr>");
                    x.sampleColumns().forEach(c -> h.append("<th>").append(e(c)).append("</th>"));
                    h.append("</tr></thead><tbody>");
                    for (List<Object> row : x.samples()) {
                        h.append("<tr>");
                        row.forEach(v -> h.append("<td>").append(v == null ? "<em>NULL</em>" : e(String.valueOf(v))).append("</td>"));
                        h.append("</tr>");
                    }
                    h.append("</tbody></table>");
                }
                h.append("</td><td class=\"num\">").append(x.line() > 0 ? String.valueOf(x.line()) : "").append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }

        if (r.comparison() != null) {
            SourceComparison.Result c = r.comparison();
            h.append("<h2 id=\"compare\">Compared with the source <code>").append(e(c.source())).append("</code></h2>\n");
            h.append("<p class=\"meta\">Row count and an order-independent fingerprint of primary key + columns per table, computed on each server in key ranges.")
                    .append(c.touchedTables().isEmpty() ? "" : " Tables touched by the migrations applied in this run (reported, not failed): <code>"
                            + e(String.join(", ", c.touchedTables())) + "</code>.")
                    .append("</p>\n");
            List<SourceComparison.TableDiff> diffs = new ArrayList<>(c.tables());
            diffs.sort((a, b) -> Integer.compare(a.failsRun() ? 0 : a.status().equals("match") ? 2 : 1, b.failsRun() ? 0 : b.status().equals("match") ? 2 : 1));
            h.append("<table><thead><tr><th>Status</th><th>Table</th><th>Source rows</th><th>Clone rows</th><th>Details</th></tr></thead><tbody>\n");
            for (SourceComparison.TableDiff d : diffs) {
                String st = d.failsRun() ? "FAIL" : d.status().equals("match") ? "PASS" : "WARN";
                h.append("<tr><td>").append(status(st)).append(" ").append(e(d.status())).append(d.touched() ? " (touched)" : "")
                        .append("</td><td><code>").append(e(d.table())).append("</code></td><td class=\"num\">").append(d.sourceRows() == null ? "—" : d.sourceRows())
                        .append("</td><td class=\"num\">").append(d.targetRows() == null ? "—" : d.targetRows()).append("</td><td>").append(e(d.message()));
                if (!d.differingRanges().isEmpty()) {
                    h.append("<br>differing key ranges: <code>").append(e(String.join(", ", d.differingRanges()))).append("</code>");
                }
                if (!d.sampleKeys().isEmpty()) {
                    h.append("<table class=\"samples\"><thead><tr><th>").append(e(String.join(", ", d.primaryKey())))
                            .append("</th><th>difference</th></tr></thead><tbody>");
                    for (SourceComparison.KeyDiff k : d.sampleKeys()) {
                        h.append("<tr><td>").append(e(k.key().size() == 1 ? String.valueOf(k.key().get(0)) : String.valueOf(k.key())))
                                .append("</td><td>").append(e(k.kind())).append("</td></tr>");
                    }
                    h.append("</tbody></table>");
                }
                h.append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("<p class=\"meta\">Written by dbpromote validate. JSON: <code>reports/</code>, JUnit: <code>junit/</code>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static int rank(List<ExpectationResult> list) {
        if (list.stream().anyMatch(ExpectationResult::failsRun)) {
            return 0;
        }
        return list.stream().anyMatch(x -> !x.success()) ? 1 : 2;
    }

    private static String status(String s) {
        return "<span class=\"" + s + "\">" + s + "</span>";
    }

    private static String args(Map<String, Object> kwargs) {
        StringBuilder sb = new StringBuilder();
        kwargs.forEach((k, v) -> {
            if (!k.equals("meta") && !k.equals("result_format")) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append(": ").append(v);
            }
        });
        return sb.toString();
    }

    /** Anchors from table names: only safe characters, so the id is valid whatever the name contains. */
    private static String anchor(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) ? c : '_');
        }
        return sb.append('-').append(Integer.toHexString(name.hashCode())).toString();
    }

    private static String e(String s) {
        return s == null ? "" : StringEscapeUtils.escapeHtml4(s).replace("'", "&#39;");
    }
}
