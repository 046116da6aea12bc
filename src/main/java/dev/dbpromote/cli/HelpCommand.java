package dev.dbpromote.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dbpromote help [COMMAND [SUBCOMMAND…]]}: picocli's {@code HelpCommand} follows one level only,
 * so {@code help migrate repair} would show migrate's help; this one walks the whole path, like
 * {@code git help} or {@code kubectl help rollout status}.
 */
@Command(name = "help", helpCommand = true,
        description = "Show the help of a command, e.g. 'dbpromote help migrate repair' (same as 'dbpromote migrate repair --help').")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, and its subcommands, to show the help of.")
    List<String> commands = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colorScheme;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colorScheme = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new CommandLine.ParameterException(self, "'" + target.getCommandSpec().qualifiedName() + "' has no command '"
                        + name + "'. Its commands: " + String.join(", ", target.getSubcommands().keySet()) + ".");
            }
            target = sub;
        }
        target.usage(out, colorScheme);
    }
}
