package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command and subcommand answers {@code --help} and {@code -h} with its own usage (exit 0), and
 * {@code dbpromote help <command…>} shows the same. The tree is read from picocli, so a command added
 * later is checked without touching this test.
 */
class HelpOptionsTest {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersHelpAndH() {
        return CommandTree.all().entrySet().stream().flatMap(e -> Stream.of("--help", "-h").map(flag -> {
            List<String> args = new ArrayList<>(e.getKey());
            args.add(flag);
            return DynamicTest.dynamicTest("dbpromote " + String.join(" ", args), () -> {
                CliRun.Result r = CliRun.in(dir).run(args.toArray(String[]::new));
                assertEquals(0, r.exitCode(), r.toString());
                assertOwnUsage(e.getValue(), r);
            });
        }));
    }

    @TestFactory
    Stream<DynamicTest> helpCommandShowsEachCommandsHelp() {
        return CommandTree.all().entrySet().stream().filter(e -> !e.getKey().isEmpty() && !e.getKey().get(0).equals("help")).map(e -> {
            List<String> args = new ArrayList<>(List.of("help"));
            args.addAll(e.getKey());
            return DynamicTest.dynamicTest("dbpromote " + String.join(" ", args), () -> {
                CliRun.Result r = CliRun.in(dir).run(args.toArray(String[]::new));
                assertEquals(0, r.exitCode(), r.toString());
                assertOwnUsage(e.getValue(), r);
            });
        });
    }

    private static void assertOwnUsage(CommandLine.Model.CommandSpec spec, CliRun.Result r) {
        assertTrue(r.out().contains("Usage: " + spec.qualifiedName() + " "), "its own usage: " + r);
        assertEquals(1, r.out().split("Usage: ", -1).length - 1, "one usage only: " + r);
        String description = String.join(" ", spec.usageMessage().description());
        String firstWords = Arrays.stream(description.split("\\s+")).limit(3).reduce((a, b) -> a + " " + b).orElse("");
        assertTrue(r.out().replaceAll("\\s+", " ").contains(firstWords), "its description: " + r);
        assertTrue(r.out().contains("-h, --help"), "lists the help option: " + r);
        assertFalse(r.err().contains("Unknown option"), r.toString());
    }

    @Test
    void helpMigrateRepairIsRepairsHelp() {
        CliRun.Result r = CliRun.in(dir).run("help", "migrate", "repair");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Usage: dbpromote migrate repair"), r.out());
        assertTrue(r.out().contains("--dry-run"), r.out());
    }

    @Test
    void helpOfAnUnknownCommandIsExitTwo() {
        CliRun.Result r = CliRun.in(dir).run("help", "migrate", "fix");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("'dbpromote migrate' has no command 'fix'") && r.err().contains("repair"), r.err());
    }

    @Test
    void theTreeHasTheNestedCommands() {
        Map<List<String>, CommandLine.Model.CommandSpec> tree = CommandTree.all();
        assertTrue(tree.containsKey(List.of("migrate", "repair")) && tree.containsKey(List.of("env", "reap")), tree.keySet().toString());
    }
}
