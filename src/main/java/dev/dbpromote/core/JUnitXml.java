package dev.dbpromote.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * JUnit XML as Jenkins' junit step reads it (testsuites / testsuite / testcase / failure), written with
 * the JDK's DOM so every name and message is escaped.
 */
public final class JUnitXml {

    /** One testcase; {@code failure} null when it passed, {@code skipped} for reported-only results. */
    public record Case(String className, String name, double seconds, String failure, String details, boolean skipped) {
        public static Case passed(String className, String name, double seconds) {
            return new Case(className, name, seconds, null, null, false);
        }

        public static Case failed(String className, String name, double seconds, String message, String details) {
            return new Case(className, name, seconds, message, details, false);
        }
    }

    public record Suite(String name, List<Case> cases) {
    }

    private JUnitXml() {
    }

    public static void write(Path file, List<Suite> suites) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element root = doc.createElement("testsuites");
            doc.appendChild(root);
            for (Suite s : suites) {
                Element suite = doc.createElement("testsuite");
                suite.setAttribute("name", s.name());
                suite.setAttribute("tests", String.valueOf(s.cases().size()));
                suite.setAttribute("failures", String.valueOf(s.cases().stream().filter(c -> c.failure() != null).count()));
                suite.setAttribute("skipped", String.valueOf(s.cases().stream().filter(Case::skipped).count()));
                suite.setAttribute("errors", "0");
                suite.setAttribute("time", seconds(s.cases().stream().mapToDouble(Case::seconds).sum()));
                for (Case c : s.cases()) {
                    Element tc = doc.createElement("testcase");
                    tc.setAttribute("classname", c.className());
                    tc.setAttribute("name", c.name());
                    tc.setAttribute("time", seconds(c.seconds()));
                    if (c.failure() != null) {
                        Element f = doc.createElement("failure");
                        f.setAttribute("message", c.failure());
                        f.setTextContent(c.details() == null ? c.failure() : c.details());
                        tc.appendChild(f);
                    } else if (c.skipped()) {
                        Element sk = doc.createElement("skipped");
                        if (c.details() != null) {
                            sk.setAttribute("message", c.details());
                        }
                        tc.appendChild(sk);
                    }
                    suite.appendChild(tc);
                }
                root.appendChild(suite);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.transform(new DOMSource(doc), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException("Could not write JUnit XML " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Suite> suites(Suite... suites) {
        return new ArrayList<>(List.of(suites));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
