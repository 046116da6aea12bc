package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
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

    public Config loadConfig(SharedOptions options) {
        return new ConfigLoader(environment).load(resolve(options.config));
    }
}
