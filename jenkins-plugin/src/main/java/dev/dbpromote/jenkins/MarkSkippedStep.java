package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import java.io.Serializable;
import java.util.Set;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.graph.BlockStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graph.StepNode;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code dbpromoteMarkSkipped('Dev: Deploy')} inside {@code stage('Dev: Deploy') { … }}: draws that stage as skipped in
 * Pipeline Graph View and Blue Ocean, as Declarative's {@code when} does (the tag {@code STAGE_STATUS=SKIPPED_FOR_CONDITIONAL}
 * on the stage's node). The library did this through Declarative's internal {@code Utils} class, which only a trusted
 * library may call; this step needs no trust and no Declarative.
 */
public class MarkSkippedStep extends Step implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String TAG = "STAGE_STATUS";
    static final String SKIPPED_FOR_CONDITIONAL = "SKIPPED_FOR_CONDITIONAL";

    private final String stage;

    @DataBoundConstructor
    public MarkSkippedStep(String stage) {
        this.stage = stage;
    }

    public String getStage() {
        return stage;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(stage, context);
    }

    /** Tags the innermost enclosing stage named {@code stage} (any enclosing stage when null); false when there is none. */
    static boolean mark(FlowNode node, String stage) throws java.io.IOException {
        for (BlockStartNode block : node.iterateEnclosingBlocks()) {
            if (!(block instanceof StepNode step) || step.getDescriptor() == null || !"stage".equals(step.getDescriptor().getFunctionName())) {
                continue;
            }
            LabelAction label = block.getPersistentAction(LabelAction.class);
            if (label == null || (stage != null && !stage.equals(label.getDisplayName()))) {
                continue; // the stage step's outer node; its body's start node carries the name
            }
            TagsAction tags = block.getPersistentAction(TagsAction.class);
            if (tags == null) {
                tags = new TagsAction();
                tags.addTag(TAG, SKIPPED_FOR_CONDITIONAL);
                block.addAction(tags);
            } else if (tags.getTagValue(TAG) == null) {
                tags.addTag(TAG, SKIPPED_FOR_CONDITIONAL);
                block.save();
            }
            return true;
        }
        return false;
    }

    static final class Execution extends SynchronousStepExecution<Boolean> {
        private static final long serialVersionUID = 1L;
        private final String stage;

        Execution(String stage, StepContext context) {
            super(context);
            this.stage = stage;
        }

        @Override
        protected Boolean run() throws Exception {
            return mark(getContext().get(FlowNode.class), stage);
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbpromoteMarkSkipped";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: draw the enclosing stage as skipped";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FlowNode.class);
        }
    }
}
