package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.model.EnvironmentSpecific;
import hudson.model.Node;
import hudson.model.TaskListener;
import hudson.slaves.NodeSpecific;
import hudson.tools.ToolDescriptor;
import hudson.tools.ToolInstallation;
import hudson.tools.ToolProperty;
import java.io.IOException;
import java.util.List;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * The dbpromote engine as a Jenkins tool (Manage Jenkins → Tools → dbpromote): a path on the node (home holding
 * {@code bin/dbpromote}), or an installer such as "Extract *.zip/*.tar.gz" pointing at an archive of
 * {@code target/dbpromote/}. Sets {@code DBPROMOTE_HOME} and puts {@code $DBPROMOTE_HOME/bin} on PATH, so
 * {@code tools { dbpromote 'default' }} works too. The engine runs as its own process on the agent, never in Jenkins.
 */
public class DbpromoteInstallation extends ToolInstallation
        implements NodeSpecific<DbpromoteInstallation>, EnvironmentSpecific<DbpromoteInstallation> {
    private static final long serialVersionUID = 1L;

    @DataBoundConstructor
    public DbpromoteInstallation(String name, String home, List<? extends ToolProperty<?>> properties) {
        super(name, home, properties);
    }

    @Override
    public void buildEnvVars(EnvVars env) {
        if (getHome() != null && !getHome().isBlank()) {
            env.put("DBPROMOTE_HOME", getHome());
            env.put("PATH+DBPROMOTE", getHome().replaceAll("/+$", "") + "/bin");
        }
    }

    @Override
    public DbpromoteInstallation forNode(@NonNull Node node, TaskListener log) throws IOException, InterruptedException {
        return new DbpromoteInstallation(getName(), translateFor(node, log), getProperties().toList());
    }

    @Override
    public DbpromoteInstallation forEnvironment(EnvVars environment) {
        return new DbpromoteInstallation(getName(), environment.expand(getHome()), getProperties().toList());
    }

    @Extension
    @Symbol("dbpromote")
    public static final class DescriptorImpl extends ToolDescriptor<DbpromoteInstallation> {
        public DescriptorImpl() {
            load();
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote";
        }

        @Override
        public void setInstallations(DbpromoteInstallation... installations) {
            super.setInstallations(installations);
            save();
        }
    }
}
