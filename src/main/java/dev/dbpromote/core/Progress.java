package dev.dbpromote.core;

import java.io.PrintStream;

/**
 * Human progress lines (stderr in the CLI). Operations report what they are doing through this, so a
 * test can capture the lines and a caller can silence them.
 */
@FunctionalInterface
public interface Progress {

    void line(String text);

    default void line(String format, Object... args) {
        line(String.format(format, args));
    }

    static Progress to(PrintStream stream) {
        return text -> {
            stream.println(text);
            stream.flush();
        };
    }

    static Progress silent() {
        return text -> { };
    }
}
