package dev.dbpromote.cli;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * The one place picocli is wired: subcommands, the factory that hands each command the
 * {@link CliContext}, the exit-code mapping, the exception handler and the streams.
 */
public final class Cli {

    private Cli() {
    }

    public static CommandLine create(CliContext context) {
        CommandLine cli = new CommandLine(new RootCommand(), new ContextFactory(context));
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine, parseResult, context));
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            return ExitCode.INVALID_INPUT;
        });
        return cli;
    }

    /** Runs the command line and returns the exit code. */
    public static int run(CliContext context, String... args) {
        return create(context).execute(args);
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult, CliContext context) {
        boolean stacktrace = parseResult.asCommandLineList().stream()
                .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--stacktrace"));
        PrintWriter err = commandLine.getErr();
        int code;
        if (e instanceof DbPromoteException d) {
            err.println("error: " + d.getMessage());
            code = d.kind() == DbPromoteException.Kind.INVALID_INPUT ? ExitCode.INVALID_INPUT : ExitCode.EXTERNAL_FAILURE;
        } else {
            err.println("internal error: " + e + (stacktrace ? "" : " (re-run with --stacktrace and report it)"));
            code = ExitCode.INTERNAL_ERROR;
        }
        if (stacktrace) {
            e.printStackTrace(err);
        }
        boolean json = parseResult.asCommandLineList().stream()
                .anyMatch(c -> c.getParseResult() != null && c.getParseResult().hasMatchedOption("--output")
                        && "json".equalsIgnoreCase(String.valueOf(c.getParseResult().matchedOptionValue("--output", ""))));
        if (json) {
            // "problem" is what every command's JSON carries when it did not succeed (see CliContext#json).
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            context.out().println(Json.write(java.util.Map.of("success", false, "exitCode", code, "error", message, "problem", message)));
        }
        err.flush();
        return code;
    }

    /** Builds commands, passing the context to those whose constructor takes one. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
                c.setAccessible(true);
                return c.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
