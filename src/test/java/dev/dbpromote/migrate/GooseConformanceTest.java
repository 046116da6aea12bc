package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * goose's own parser test data ({@code ../shared/conformance/goose-sqlparser}, pressly/goose
 * {@code internal/sqlparser/testdata}): every valid-up and envsub case must give goose's statements (its
 * {@code NN.up.golden.sql} files, one per statement, in order), every invalid case must be refused with a
 * message naming the file and line. Skipped where the folder is absent, so a fresh clone still builds.
 * Prints the figure: {@code goose conformance: N/M cases agree}.
 *
 * <pre>mvn -o test -Dtest=GooseConformanceTest</pre>
 */
class GooseConformanceTest {

    /** The environment goose's TestEnvsub sets. */
    private static final Map<String, String> GOOSE_TEST_ENV = Map.of("GOOSE_ENV_REGION", "us_east_",
            "GOOSE_ENV_SET_BUT_EMPTY_VALUE", "", "GOOSE_ENV_NAME", "foo");

    static Path data() {
        return Path.of("..", "shared", "conformance", "goose-sqlparser").toAbsolutePath().normalize();
    }

    @Test
    void everyGooseCaseAgrees() throws IOException {
        Path root = data();
        assumeTrue(Files.isDirectory(root), "goose conformance data not present at " + root);
        List<String> disagreements = new ArrayList<>();
        int total = 0;
        for (String kind : List.of("valid-up", "envsub")) {
            for (Path dir : list(root.resolve(kind))) {
                total++;
                String label = kind + "/" + dir.getFileName();
                try {
                    List<String> want = new ArrayList<>();
                    for (Path golden : list(dir)) {
                        if (golden.getFileName().toString().endsWith(".up.golden.sql")) {
                            want.add(Files.readString(golden, StandardCharsets.UTF_8));
                        }
                    }
                    String input = Files.readString(dir.resolve("input.sql"), StandardCharsets.UTF_8);
                    List<String> got = GooseParser.parse(input, label + "/input.sql", GOOSE_TEST_ENV::get).up().stream()
                            .map(GooseParser.GooseStatement::text).toList();
                    if (!got.equals(want)) {
                        disagreements.add(label + ": got " + got.size() + " statement(s), goose " + want.size() + firstDiff(got, want));
                    }
                } catch (RuntimeException e) {
                    disagreements.add(label + ": refused: " + e.getMessage());
                }
            }
        }
        for (Path file : list(root.resolve("invalid").resolve("up"))) {
            total++;
            String label = "invalid/up/" + file.getFileName();
            try {
                GooseParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString(), k -> null);
                disagreements.add(label + ": accepted, goose refuses it");
            } catch (DbPromoteException e) {
                if (e.kind() != DbPromoteException.Kind.INVALID_INPUT || !e.getMessage().startsWith(file.getFileName() + " line ")) {
                    disagreements.add(label + ": refused without naming file and line: " + e.getMessage());
                }
            }
        }
        System.out.println("goose conformance: " + (total - disagreements.size()) + "/" + total + " cases agree"
                + (disagreements.isEmpty() ? "" : "; differ: " + disagreements));
        assertEquals(List.of(), disagreements);
    }

    private static String firstDiff(List<String> got, List<String> want) {
        for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
            if (!got.get(i).equals(want.get(i))) {
                return "; statement " + (i + 1) + " differs: got <" + got.get(i) + "> want <" + want.get(i) + ">";
            }
        }
        return "";
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
