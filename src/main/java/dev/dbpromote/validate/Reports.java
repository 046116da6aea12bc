package dev.dbpromote.validate;

import dev.dbpromote.core.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes the three reports of a validation run under {@code .dbpromote/}: {@code reports/validate-<env>.json}
 * (GX-like), {@code junit/validate-<env>.xml} (one testsuite per table, one testcase per expectation) and
 * {@code html/validate-<env>.html} (static, no scripts: Jenkins serves reports under a CSP that blocks
 * them, and inline styles too, so the look comes from {@code html/validate.css} and the page reads fine
 * without it).
 */
public final class Reports {

    private Reports() {
    }

    public static ValidationResult.Reports write(ValidationResult r, Path stateDir, String envKey) {
        String name = "validate-" + envKey;
        Path json = stateDir.resolve("reports").resolve(name + ".json").toAbsolutePath();
        Path junit = stateDir.resolve("junit").resolve(name + ".xml").toAbsolutePath();
        Path html = stateDir.resolve("html").resolve(name + ".html").toAbsolutePath();
        Json.write(json, json(r));
        writeText(junit, junit(r));
        writeText(html.resolveSibling("validate.css"), Html.CSS);
        writeText(html, Html.render(r));
        return new ValidationResult.Reports(json, junit, html);
    }

    /** GX's validation result shape: success, statistics, results[expectation_config, result]. */
    public static Map<String, Object> json(ValidationResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", r.success());
        out.put("warn_only", r.warnOnly());
        out.put("suite", r.suite());
        out.put("suite_file", String.valueOf(r.suiteFile()));
        out.put("database", r.database());
        out.put("server", r.server());
        out.put("strategy", r.strategy());
        out.put("run_time", r.startedAt().toString());
        out.put("duration_ms", r.duration().toMillis());
        out.put("queries", r.queries());
        ValidationResult.Statistics s = r.statistics();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("evaluated_expectations", s.evaluatedExpectations());
        stats.put("successful_expectations", s.successfulExpectations());
        stats.put("unsuccessful_expectations", s.unsuccessfulExpectations());
        stats.put("warnings", s.warnings());
        stats.put("success_percent", s.successPercent());
        out.put("statistics", stats);
        List<Map<String, Object>> results = new ArrayList<>();
        for (ExpectationResult e : r.results()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("success", e.success());
            if (e.warnOnly()) {
                item.put("warn_only", true);
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("expectation_type", e.type());
            config.put("kwargs", e.kwargs());
            config.put("meta", Map.of("table", e.table(), "line", e.line(), "id", e.id()));
            item.put("expectation_config", config);
            Map<String, Object> res = new LinkedHashMap<>();
            putIfSet(res, "observed_value", e.observedValue());
            putIfSet(res, "element_count", e.elementCount());
            putIfSet(res, "missing_count", e.missingCount());
            if (e.missingCount() != null && e.elementCount() != null && e.elementCount() > 0) {
                res.put("missing_percent", 100.0 * e.missingCount() / e.elementCount());
            }
            putIfSet(res, "unexpected_count", e.unexpectedCount());
            putIfSet(res, "unexpected_percent", e.unexpectedPercent());
            if (!e.samples().isEmpty()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (List<Object> row : e.samples()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < row.size(); i++) {
                        m.put(e.sampleColumns().get(i), row.get(i));
                    }
                    rows.add(m);
                }
                res.put("partial_unexpected_list", rows);
            }
            res.put("details", e.message());
            item.put("result", res);
            results.add(item);
        }
        out.put("results", results);
        if (r.comparison() != null) {
            out.put("comparison", r.comparison());
        }
        return out;
    }

    private static void putIfSet(Map<String, Object> m, String key, Object v) {
        if (v != null) {
            m.put(key, v);
        }
    }

    /** One testsuite per table (plus one for the source comparison), one testcase per expectation. */
    public static String junit(ValidationResult r) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            w.writeStartElement("testsuites");
            w.writeAttribute("name", "validate " + r.suite());
            w.writeAttribute("tests", String.valueOf(r.results().size()));
            w.writeAttribute("failures", String.valueOf(r.results().stream().filter(ExpectationResult::failsRun).count()));
            w.writeAttribute("time", seconds(r.duration().toMillis()));
            Map<String, List<ExpectationResult>> byTable = new LinkedHashMap<>();
            r.results().forEach(e -> byTable.computeIfAbsent(e.table(), k -> new ArrayList<>()).add(e));
            for (Map.Entry<String, List<ExpectationResult>> t : byTable.entrySet()) {
                List<ExpectationResult> list = t.getValue();
                w.writeCharacters("\n  ");
                w.writeStartElement("testsuite");
                w.writeAttribute("name", t.getKey());
                w.writeAttribute("tests", String.valueOf(list.size()));
                w.writeAttribute("failures", String.valueOf(list.stream().filter(ExpectationResult::failsRun).count()));
                w.writeAttribute("skipped", String.valueOf(list.stream().filter(e -> !e.success() && e.warnOnly()).count()));
                Map<String, Integer> seen = new HashMap<>();
                for (ExpectationResult e : list) {
                    String base = e.type() + describeArgs(e);
                    int n = seen.merge(base, 1, Integer::sum);
                    w.writeCharacters("\n    ");
                    w.writeStartElement("testcase");
                    w.writeAttribute("classname", "validate." + r.suite() + "." + t.getKey());
                    w.writeAttribute("name", n == 1 ? base : base + " #" + n);
                    w.writeAttribute("time", "0");
                    if (!e.success()) {
                        w.writeStartElement(e.warnOnly() ? "skipped" : "failure");
                        w.writeAttribute("message", (e.warnOnly() ? "warn-only: " : "") + e.message());
                        if (!e.warnOnly()) {
                            w.writeAttribute("type", e.type());
                            w.writeCharacters(failureText(r, e));
                        }
                        w.writeEndElement();
                    }
                    w.writeEndElement();
                }
                w.writeCharacters("\n  ");
                w.writeEndElement();
            }
            if (r.comparison() != null) {
                List<SourceComparison.TableDiff> diffs = r.comparison().tables();
                w.writeCharacters("\n  ");
                w.writeStartElement("testsuite");
                w.writeAttribute("name", "compare with source");
                w.writeAttribute("tests", String.valueOf(diffs.size()));
                w.writeAttribute("failures", String.valueOf(diffs.stream().filter(SourceComparison.TableDiff::failsRun).count()));
                for (SourceComparison.TableDiff d : diffs) {
                    w.writeCharacters("\n    ");
                    w.writeStartElement("testcase");
                    w.writeAttribute("classname", "validate." + r.suite() + ".compare");
                    w.writeAttribute("name", d.table());
                    w.writeAttribute("time", "0");
                    if (d.failsRun()) {
                        w.writeStartElement("failure");
                        w.writeAttribute("message", d.status() + ": " + d.message());
                        w.writeCharacters(diffText(d));
                        w.writeEndElement();
                    } else if (!d.status().equals("match")) {
                        w.writeStartElement("system-out");
                        w.writeCharacters("touched by the migrations applied in this run, " + d.status() + ": " + d.message() + "\n" + diffText(d));
                        w.writeEndElement();
                    }
                    w.writeEndElement();
                }
                w.writeCharacters("\n  ");
                w.writeEndElement();
            }
            w.writeCharacters("\n");
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return text + "\n";
    }

    static String describeArgs(ExpectationResult e) {
        Object col = e.kwargs().get("column");
        if (col == null) {
            col = e.kwargs().get("column_list");
        }
        if (col == null && e.kwargs().get("column_A") != null) {
            col = e.kwargs().get("column_A") + "," + e.kwargs().get("column_B");
        }
        return col == null ? "" : "(" + col + ")";
    }

    private static String failureText(ValidationResult r, ExpectationResult e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.message()).append('\n');
        sb.append("suite ").append(r.suiteFile()).append(e.line() > 0 ? ":" + e.line() : "").append('\n');
        sb.append("kwargs ").append(e.kwargs()).append('\n');
        if (e.observedValue() != null) {
            sb.append("observed ").append(e.observedValue()).append('\n');
        }
        if (!e.samples().isEmpty()) {
            sb.append("sample rows ").append(e.sampleColumns()).append(":\n");
            e.samples().forEach(row -> sb.append("  ").append(row).append('\n'));
        }
        return sb.toString();
    }

    private static String diffText(SourceComparison.TableDiff d) {
        StringBuilder sb = new StringBuilder();
        sb.append("source rows ").append(d.sourceRows()).append(", database rows ").append(d.targetRows()).append('\n');
        if (!d.differingRanges().isEmpty()) {
            sb.append("differing key ranges ").append(d.differingRanges()).append('\n');
        }
        d.sampleKeys().forEach(k -> sb.append("  ").append(k.kind()).append(' ').append(d.primaryKey()).append('=').append(k.key()).append('\n'));
        return sb.toString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Failed (run-failing) first, then warn-only failures, then passed; file order within each. */
    static Comparator<ExpectationResult> failedFirst() {
        return Comparator.comparingInt(e -> e.failsRun() ? 0 : !e.success() ? 1 : 2);
    }
}
