package dev.dbpromote.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged distribution ({@code target/dbpromote/bin/dbpromote}) as an agent would, after
 * {@code mvn package}: the README's first command must work on a fresh machine.
 */
class PackagedCliIT {

    private static final Path LAUNCHER = Path.of("target/dbpromote/bin/dbpromote").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int exitCode, String out) {
    }

    private Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // The demo plays the whole promotion (two servers, replication, a writer): allow for a loaded CI agent.
        assertTrue(p.waitFor(30, TimeUnit.MINUTES), "finished");
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void launcherRunsAndMapsExitCodes() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), "mvn package builds an executable launcher");
        Run help = run("--help");
        assertEquals(0, help.exitCode(), help.out());
        assertTrue(help.out().contains("Exit codes:"), help.out());
        Run missing = run("check");
        assertEquals(2, missing.exitCode(), missing.out());
        assertTrue(missing.out().contains("dbpromote.yaml not found"), missing.out());
    }

    @Test
    void demoRunsTheWholeFlowAndWritesReports() throws Exception {
        Run demo = run("demo");

        assertEquals(0, demo.exitCode(), demo.out());
        assertTrue(demo.out().contains("Demo finished: every step behaved as expected."), demo.out());
        Path root = dir.resolve("dbpromote-demo");
        assertTrue(Files.exists(root.resolve("orders/.dbpromote/reports/migrate-dev-pr-42.json")));
        assertTrue(Files.exists(root.resolve("orders/.dbpromote/junit/migrate-dev-pr-42.xml")));
        assertTrue(Files.exists(root.resolve("demo-summary.json")));
        // Production went blue/green with the writer running: every write blue took is on green.
        assertTrue(demo.out().contains("(no lost write)"), demo.out());
        assertTrue(demo.out().contains("Approved by demo-approver"), demo.out());
        assertTrue(Files.readString(root.resolve("orders/.dbpromote/env/production.json")).contains("switched-over"));
        // The clone's credential exists only in the 0600 credentials folder, never in output or reports.
        try (Stream<Path> creds = Files.walk(root.resolve("orders/.dbpromote/credentials"))) {
            for (Path c : (Iterable<Path>) creds.filter(Files::isRegularFile)::iterator) {
                String secret = Files.readString(c).strip();
                assertFalse(secret.isEmpty());
                assertFalse(demo.out().contains(secret), "the clone's password is never printed");
                try (Stream<Path> reports = Files.walk(root)) {
                    for (Path r : (Iterable<Path>) reports.filter(Files::isRegularFile)
                            .filter(f -> !f.toString().contains("/credentials/"))::iterator) {
                        assertFalse(Files.readString(r, StandardCharsets.ISO_8859_1).contains(secret), r + " holds the password");
                    }
                }
            }
        }
    }
}
