package dev.dbpromote.jenkins;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Node;
import hudson.model.TaskListener;
import java.io.IOException;
import jenkins.model.Jenkins;

/**
 * Which dbpromote executable a step runs on its agent, in this order: the step's {@code engine} argument;
 * {@code $DBPROMOTE_HOME/bin/dbpromote} (a node property, or {@code tools { dbpromote 'name' }}); the first
 * {@link DbpromoteInstallation} configured under Manage Jenkins → Tools, installed on the node if it has installers;
 * else {@code dbpromote} on the agent's PATH. The first, second and last are what the library's vars do.
 */
final class EngineLocator {
    private EngineLocator() {
    }

    static String locate(String engineArgument, EnvVars env, FilePath workspace, TaskListener listener)
            throws IOException, InterruptedException {
        if (engineArgument != null) {
            return engineArgument;
        }
        String home = env.get("DBPROMOTE_HOME");
        if (home != null && !home.isBlank()) {
            return bin(home);
        }
        DbpromoteInstallation[] installations = Jenkins.get().getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class).getInstallations();
        if (installations.length > 0) {
            Node node = node(workspace);
            DbpromoteInstallation tool = installations[0];
            if (node != null) {
                tool = tool.forNode(node, listener);
            }
            tool = tool.forEnvironment(env);
            if (tool.getHome() != null && !tool.getHome().isBlank()) {
                return bin(tool.getHome());
            }
        }
        return "dbpromote";
    }

    private static Node node(FilePath workspace) {
        Computer computer = workspace.toComputer();
        return computer == null ? null : computer.getNode();
    }

    static String bin(String home) {
        return home.replaceAll("/+$", "") + "/bin/dbpromote";
    }
}
