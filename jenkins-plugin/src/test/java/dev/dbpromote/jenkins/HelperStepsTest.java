package dev.dbpromote.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import hudson.model.Item;
import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.scriptsecurity.scripts.ScriptApproval;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.cps.nodes.StepStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The steps that let the shared library run untrusted (dbpromoteMarkSkipped, dbpromoteReadJson, dbpromoteRejection) in a
 * sandboxed Pipeline: what each returns, the stage tag, a rejection by a user and by a member of an approvers group, and
 * no script approval asked for.
 */
public class HelperStepsTest {
    @Rule
    public JenkinsRule j = new JenkinsRule();

    @Test
    public void helperStepsWorkInTheSandbox() throws Exception {
        JenkinsRule.DummySecurityRealm realm = j.createDummySecurityRealm();
        realm.addGroups("carol", "release-managers");
        j.jenkins.setSecurityRealm(realm);
        j.jenkins.setAuthorizationStrategy(new org.jvnet.hudson.test.MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD, Item.CANCEL).everywhere().to("bob", "carol"));
        WorkflowJob p = j.createProject(WorkflowJob.class, "p");
        p.setDefinition(new CpsFlowDefinition(String.join("\n",
                "stage('Deploy') { echo \"marked=${dbpromoteMarkSkipped('Deploy')}\" }",
                "stage('Other') { echo \"elsewhere=${dbpromoteMarkSkipped('Deploy')}\" }",
                "Map m = dbpromoteReadJson('{\"stages\": [{\"name\": \"Check\", \"run\": true, \"lock\": null}], \"timeoutSeconds\": 60}')",
                "echo \"stages=${m.stages} timeout=${m.timeoutSeconds + 1} notJson=${dbpromoteReadJson('oops')} list=${dbpromoteReadJson('[1]')}\"",
                "echo \"noRejection=${dbpromoteRejection(error: new Exception('boom'), approvers: ['alice'])}\"",
                "try { dbpromoteRejection(error: 'boom') } catch (e) { echo \"refused=${e.message}\" }",
                "for (String who : ['bob', 'carol']) {",
                "  try { input(id: 'Gate-' + who, message: 'ok?') } catch (err) {",
                "    echo \"rejection=${dbpromoteRejection(error: err, approvers: ['alice', 'release-managers'])}\"",
                "  }",
                "}"), true));
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        for (String who : List.of("bob", "carol")) {
            InputStepExecution gate = waitForInput(b, "Gate-" + who);
            try (ACLContext ignored = ACL.as(User.getById(who, true))) {
                gate.doAbort();
            }
        }
        j.waitForCompletion(b);
        j.assertLogContains("marked=true", b);
        j.assertLogContains("elsewhere=false", b);
        j.assertLogContains("stages=[[name:Check, run:true, lock:null]] timeout=61 notJson=[:] list=[value:[1]]", b);
        j.assertLogContains("noRejection=null", b);
        j.assertLogContains("refused=dbpromoteRejection: error must be the exception caught around input", b);
        j.assertLogContains("rejection=[user:bob, approver:false]", b);
        j.assertLogContains("rejection=[user:carol, approver:true]", b);
        assertEquals(Map.of("Deploy", MarkSkippedStep.SKIPPED_FOR_CONDITIONAL), stageTags(b));
        assertEquals(List.of(), ScriptApproval.get().getPendingSignatures().stream().map(s -> s.signature).toList());
    }

    @Test
    public void rejectionOfSomethingElseIsNull() {
        assertNull(RejectionStep.rejection(new InterruptedException(), List.of("alice")));
        assertNull(RejectionStep.rejection(null, List.of("alice")));
    }

    /** Stage name → STAGE_STATUS tag, for the stages that have one. */
    private static Map<String, String> stageTags(WorkflowRun b) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowNode n : new DepthFirstScanner().allNodes(b.getExecution())) {
            LabelAction label = n.getPersistentAction(LabelAction.class);
            TagsAction tags = n.getPersistentAction(TagsAction.class);
            if (n instanceof StepStartNode && label != null && tags != null && tags.getTagValue(MarkSkippedStep.TAG) != null) {
                out.put(label.getDisplayName(), tags.getTagValue(MarkSkippedStep.TAG));
            }
        }
        return out;
    }

    private static InputStepExecution waitForInput(WorkflowRun b, String id) throws Exception {
        long end = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(2);
        while (System.currentTimeMillis() < end) {
            InputAction inputs = b.getAction(InputAction.class);
            InputStepExecution e = inputs == null ? null : inputs.getExecutions().stream()
                    .filter(x -> x.getId().equals(id) && !x.isSettled()).findFirst().orElse(null);
            if (e != null) {
                return e;
            }
            if (!b.isBuilding()) {
                fail("the build ended before input " + id + ":\n" + JenkinsRule.getLog(b));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no input " + id + ":\n" + JenkinsRule.getLog(b));
    }
}
