package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What every dbpromote step has: the arguments the shared library's vars take today ({@code config}, {@code engine},
 * {@code credentials}, {@code dryRun}, {@code env}, {@code retries}), and one run of the engine on the agent.
 * A subclass names the engine command and its own options; {@link EngineRun} does the work.
 */
public abstract class DbpromoteStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private String config = "dbpromote.yaml";
    private String engine;
    private Map<String, Object> credentials;
    private boolean dryRun;
    private String env;
    private int retries;

    protected DbpromoteStep(String defaultEnv, int defaultRetries) {
        this.env = defaultEnv;
        this.retries = defaultRetries;
    }

    public String getConfig() {
        return config;
    }

    /** Path of dbpromote.yaml, relative to the workspace (default {@code dbpromote.yaml}). */
    @DataBoundSetter
    public void setConfig(String config) {
        this.config = config == null || config.isBlank() ? "dbpromote.yaml" : config;
    }

    public String getEngine() {
        return engine;
    }

    /** Path of the dbpromote executable on the agent; default: the dbpromote tool, DBPROMOTE_HOME, or PATH. */
    @DataBoundSetter
    public void setEngine(String engine) {
        this.engine = blankToNull(engine);
    }

    public Map<String, Object> getCredentials() {
        return credentials;
    }

    /** {@code [aws: id, kubeconfig: id, passwords: [VARIABLE: id]]}, as the library's vars take it. */
    @DataBoundSetter
    public void setCredentials(Map<String, Object> credentials) {
        this.credentials = credentials == null || credentials.isEmpty() ? null : new LinkedHashMap<>(credentials);
    }

    public boolean isDryRun() {
        return dryRun;
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        this.dryRun = dryRun;
    }

    public String getEnv() {
        return env;
    }

    @DataBoundSetter
    public void setEnv(String env) {
        this.env = blankToNull(env);
    }

    public int getRetries() {
        return retries;
    }

    /** Extra attempts when the engine exits 3 (an external system failed); only idempotent steps default to more than 0. */
    @DataBoundSetter
    public void setRetries(int retries) {
        this.retries = Math.max(0, retries);
    }

    /** The engine command's words, e.g. {@code [clone]} or {@code [env, destroy]}. */
    abstract List<String> command();

    /** Options with values, in command-line order; null values are left out. {@code contextEnv} gives CHANGE_ID. */
    abstract Map<String, String> options(EnvVars contextEnv);

    /** Options without value (e.g. {@code fresh}); {@code dry-run} is added from {@link #isDryRun()}. */
    List<String> switches() {
        return List.of();
    }

    /** dev-pr-42 for a PR's environment, staging for a fixed one (the engine's record key, names report files). */
    String envKey(EnvVars contextEnv) {
        return env;
    }

    /** Exit 1 makes the build UNSTABLE instead of failing it. */
    boolean warnOnly() {
        return false;
    }

    /** A problem with the arguments that the var reported with error(...) before running anything; null if none. */
    String argumentProblem(EnvVars contextEnv) {
        return null;
    }

    String functionName() {
        return ((DbpromoteStepDescriptor) getDescriptor()).getFunctionName();
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient DbpromoteStep step;

        Execution(DbpromoteStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            return new EngineRun(step, getContext()).call();
        }
    }

    /** Every dbpromote step needs a workspace on an agent: the engine runs there. */
    public abstract static class DbpromoteStepDescriptor extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, Launcher.class, TaskListener.class, EnvVars.class, Run.class);
        }

        @NonNull
        @Override
        public abstract String getDisplayName();

        /**
         * As the vars: {@code pr: 42} (a number) works like {@code pr: '42'}; DescribableModel would reject an Integer
         * for a String argument.
         */
        @Override
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            Map<String, Object> a = new LinkedHashMap<>(arguments);
            a.replaceAll((name, value) -> value instanceof Number && !"retries".equals(name) ? value.toString() : value);
            return super.newInstance(a);
        }
    }
}
