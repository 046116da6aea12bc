package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.PluginWrapper;
import hudson.model.EnvironmentContributor;
import hudson.model.Run;
import hudson.model.TaskListener;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.flow.FlowExecutionOwner;

/**
 * Tells the shared library that this plugin is installed: every Pipeline build has {@code DBPROMOTE_PLUGIN=<version>}
 * in its environment, and the library's vars ({@code rdsClone}, {@code dbMigrate}, …) then call this plugin's steps
 * ({@code steps.rdsClone(…)}) instead of running the engine over {@code sh}. An environment variable because the
 * library reads it as {@code env.DBPROMOTE_PLUGIN}, which the Groovy sandbox allows (a look-up of step descriptors it
 * does not), and because a Jenkinsfile can switch back to the library's own implementation with
 * {@code withEnv(['DBPROMOTE_PLUGIN='])}. With a dbpromote tool configured, {@code DBPROMOTE_TOOL} names the first one,
 * which the library's own commands ({@code check}, {@code plan}, …) then run through the {@code tool} step, as the plugin's
 * steps do (see {@link EngineLocator}).
 */
@Extension
public class PluginMarker extends EnvironmentContributor {
    static final String VARIABLE = "DBPROMOTE_PLUGIN";
    static final String TOOL_VARIABLE = "DBPROMOTE_TOOL";

    @Override
    public void buildEnvironmentFor(@NonNull Run r, @NonNull EnvVars envs, @NonNull TaskListener listener) {
        if (r instanceof FlowExecutionOwner.Executable) {
            envs.put(VARIABLE, version());
            Jenkins jenkins = Jenkins.getInstanceOrNull();
            DbpromoteInstallation[] tools = jenkins == null ? new DbpromoteInstallation[0]
                    : jenkins.getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class).getInstallations();
            if (tools.length > 0) {
                envs.put(TOOL_VARIABLE, tools[0].getName());
            }
        }
    }

    static String version() {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        PluginWrapper plugin = jenkins == null ? null : jenkins.getPluginManager().whichPlugin(PluginMarker.class);
        return plugin == null ? "installed" : plugin.getVersion();
    }
}
