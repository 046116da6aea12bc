package dev.dbpromote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every "see README: 'Section'" a message or comment gives names a README heading that exists. */
class ReadmeReferencesTest {

    private static final Pattern REFERENCE = Pattern.compile("README[^'\"\\n]{0,20}?\\\\?['\"]([^'\"\\\\]+)\\\\?['\"]");

    @Test
    void readmeSectionReferencesPointToExistingHeadings() throws IOException {
        Set<String> headings = Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").strip()).collect(Collectors.toSet());
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path root : List.of(Path.of("src/main"), Path.of("vars"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Matcher m = REFERENCE.matcher(Files.readString(f));
                    while (m.find()) {
                        checked++;
                        if (!headings.contains(m.group(1))) {
                            broken.add(f + ": README '" + m.group(1) + "'");
                        }
                    }
                }
            }
        }
        assertTrue(checked > 3, "the pattern finds the references: " + checked);
        assertEquals(List.of(), broken, "README headings: " + headings);
    }
}
