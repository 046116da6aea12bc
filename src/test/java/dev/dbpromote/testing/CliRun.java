package dev.dbpromote.testing;

import dev.dbpromote.cli.Cli;
import dev.dbpromote.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the real command line in-process with captured streams (jbang's style).
 *
 * <pre>{@code
 * CliRun.Result r = CliRun.in(dir).env("DB_PASSWORD", "x").run("check");
 * assertEquals(0, r.exitCode());
 * }</pre>
 */
public final class CliRun {

    private final Path dir;
    private final Map<String, String> env = new HashMap<>();

    private CliRun(Path dir) {
        this.dir = dir;
    }

    public static CliRun in(Path dir) {
        return new CliRun(dir);
    }

    public CliRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Cli.run(new CliContext(Map.copyOf(env)::get, o, e, dir), args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
