package dev.dbpromote.cli;

/** {@code dbpromote} entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(CliContext.system(), args));
    }
}
