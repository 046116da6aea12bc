package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code dbpromoteReadJson(readFile('.dbpromote/jenkins/plan.json'))}: the engine's {@code --output json} result as a
 * Map of plain, serializable values (as the plugin's steps return it). The library parsed it with Groovy's
 * {@code JsonSlurperClassic}, which the sandbox refuses to an untrusted library.
 */
public class ReadJsonStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String text;

    @DataBoundConstructor
    public ReadJsonStep(String text) {
        this.text = text;
    }

    public String getText() {
        return text;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(text, context);
    }

    static final class Execution extends SynchronousStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient String text;

        Execution(String text, StepContext context) {
            super(context);
            this.text = text;
        }

        @Override
        protected Map<String, Object> run() {
            return EngineJson.parse(text);
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbpromoteReadJson";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: read the engine's JSON result";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of();
        }
    }
}
