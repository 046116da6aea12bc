package dev.dbpromote.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What a command gets from its caller instead of globals: the process environment, the streams and the
 * working directory. Tests pass their own, so the real command line runs in-process.
 */
public record CliContext(Function<String, String> environment, PrintStream out, PrintStream err, Path workingDir) {

    public static CliContext system() {
        return new CliContext(System::getenv, System.out, System.err, Path.of("").toAbsolutePath());
    }

    public Progress progress() {
        return Progress.to(err);
    }

    public Path resolve(String path) {
        return workingDir.resolve(path).normalize();
    }

    /**
     * Prints a command's JSON result on stdout. When the command found a problem (exit 1), {@code problem} is the
     * text a person acts on (see {@link Problems}): it is added to the result as {@code "problem"} and printed on
     * stderr, which is all a Jenkins console shows. Every command prints its JSON through here.
     */
    public void json(Object result, String problem) {
        if (problem == null) {
            out.println(Json.write(result));
            return;
        }
        JsonNode tree = Json.mapper().valueToTree(result);
        if (tree instanceof ObjectNode o) {
            o.put("problem", problem);
        }
        out.println(Json.write(tree));
        err.println(problem);
    }

    public Config loadConfig(SharedOptions options) {
        return new ConfigLoader(environment).load(resolve(options.config));
    }
}
