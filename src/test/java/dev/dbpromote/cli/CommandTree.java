package dev.dbpromote.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The CLI's commands as picocli builds them, so tests cover every command, including ones added later. */
final class CommandTree {

    private CommandTree() {
    }

    /** Command path (without "dbpromote"; the root is the empty path) to its spec, in declaration order. */
    static Map<List<String>, CommandLine.Model.CommandSpec> all() {
        PrintStream sink = new PrintStream(PrintStream.nullOutputStream());
        CommandLine root = Cli.create(new CliContext(k -> null, sink, sink, Path.of(".")));
        Map<List<String>, CommandLine.Model.CommandSpec> tree = new LinkedHashMap<>();
        walk(root, List.of(), tree);
        return tree;
    }

    private static void walk(CommandLine c, List<String> path, Map<List<String>, CommandLine.Model.CommandSpec> tree) {
        tree.put(path, c.getCommandSpec());
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // an alias names the same command again
                List<String> p = new ArrayList<>(path);
                p.add(name);
                walk(sub, p, tree);
            }
        });
    }
}
