package dev.dbpromote.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The six steps as Jenkins sees them: function names, required context, help for the Snippet Generator, and the
 * arguments' round trip through {@link DescribableModel} and {@link Snippetizer} (what SnippetizerTester checks;
 * that class is not available here). Argument names are the library vars' (vars/*.groovy).
 */
public class StepDefinitionTest {
    @Rule
    public JenkinsRule j = new JenkinsRule();

    private static final Map<String, List<String>> ARGUMENTS = Map.of(
            "rdsClone", List.of("config", "credentials", "dryRun", "engine", "env", "fresh", "pr", "retries"),
            "dbMigrate", List.of("config", "credentials", "dryRun", "engine", "env", "pr", "retries", "target"),
            "k8sDeploy", List.of("config", "credentials", "dryRun", "engine", "env", "image", "pr", "retries"),
            "dataValidate", List.of("config", "credentials", "dryRun", "engine", "env", "pr", "retries", "strategy", "suite", "warnOnly"),
            "dbSnapshot", List.of("config", "credentials", "dryRun", "engine", "env", "retries"),
            "dbEnvDestroy", List.of("config", "credentials", "dryRun", "engine", "env", "pr", "retries"));

    @Test
    public void everyStepIsRegisteredWithTheVarsArgumentsHelpAndContext() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient();
        for (Map.Entry<String, List<String>> e : ARGUMENTS.entrySet()) {
            StepDescriptor d = StepDescriptor.byFunctionName(e.getKey());
            assertNotNull(e.getKey() + " registered", d);
            assertTrue(d instanceof DbpromoteStep.DbpromoteStepDescriptor);
            DescribableModel<?> model = DescribableModel.of(d.clazz);
            List<String> names = model.getParameters().stream().map(p -> p.getName()).sorted().toList();
            assertEquals(e.getKey() + " arguments", e.getValue(), names);
            assertEquals(Set.of(FilePath.class, Launcher.class, TaskListener.class, EnvVars.class, Run.class), d.getRequiredContext());
            assertFalse(d.getDisplayName().isBlank());
            // the help the Snippet Generator shows: the step's own help.html and one help-<argument>.html each
            String help = wc.goTo("descriptorByName/" + d.getId() + "/help").getWebResponse().getContentAsString();
            assertTrue(e.getKey() + " help: " + help, help.contains("Exit codes of the engine"));
            for (String argument : e.getValue()) {
                String text = wc.goTo("descriptorByName/" + d.getId() + "/help/" + argument).getWebResponse().getContentAsString();
                assertTrue(e.getKey() + " help-" + argument + ".html: " + text, text.contains("<div>"));
            }
        }
        WorkflowJob p = j.createProject(WorkflowJob.class, "p");
        String generator = wc.getPage(p, "pipeline-syntax").getWebResponse().getContentAsString();
        for (String step : ARGUMENTS.keySet()) {
            assertTrue(step + " in the Snippet Generator", generator.contains(step + ": dbpromote: "));
        }
    }

    /** The steps that let the library run untrusted: registered, help for the step and each argument, in the Snippet Generator. */
    private static final Map<String, List<String>> HELPERS = Map.of(
            "dbpromoteMarkSkipped", List.of("stage"),
            "dbpromoteReadJson", List.of("text"),
            "dbpromoteRejection", List.of("approvers"));

    @Test
    public void helperStepsAreRegisteredWithHelpAndInTheSnippetGenerator() throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient();
        for (Map.Entry<String, List<String>> e : HELPERS.entrySet()) {
            StepDescriptor d = StepDescriptor.byFunctionName(e.getKey());
            assertNotNull(e.getKey() + " registered", d);
            List<String> names = DescribableModel.of(d.clazz).getParameters().stream().map(p -> p.getName()).sorted().toList();
            assertEquals(e.getKey() + " arguments", e.getValue(), names);
            assertFalse(d.getDisplayName().isBlank());
            String help = wc.goTo("descriptorByName/" + d.getId() + "/help").getWebResponse().getContentAsString();
            assertTrue(e.getKey() + " help: " + help, help.contains("shared library") && help.contains("trusted"));
            for (String argument : e.getValue()) {
                String text = wc.goTo("descriptorByName/" + d.getId() + "/help/" + argument).getWebResponse().getContentAsString();
                assertTrue(e.getKey() + " help-" + argument + ".html: " + text, text.contains("<div>"));
            }
        }
        WorkflowJob p = j.createProject(WorkflowJob.class, "helpers");
        String generator = wc.getPage(p, "pipeline-syntax").getWebResponse().getContentAsString();
        for (String step : HELPERS.keySet()) {
            assertTrue(step + " in the Snippet Generator", generator.contains(step + ": dbpromote: "));
        }
        assertEquals(Set.of(org.jenkinsci.plugins.workflow.graph.FlowNode.class),
                StepDescriptor.byFunctionName("dbpromoteMarkSkipped").getRequiredContext());
    }

    @Test
    public void helperStepsSnippetRoundTrip() throws Exception {
        MarkSkippedStep mark = new MarkSkippedStep("Dev: Deploy");
        assertEquals("dbpromoteMarkSkipped 'Dev: Deploy'", Snippetizer.object2Groovy(mark));
        assertEquals("Dev: Deploy", roundTripStep(mark).getStage());
        ReadJsonStep json = new ReadJsonStep("{\"a\": 1}");
        assertEquals("dbpromoteReadJson '{\"a\": 1}'", Snippetizer.object2Groovy(json));
        assertEquals("{\"a\": 1}", roundTripStep(json).getText());
        RejectionStep rejection = new RejectionStep();
        rejection.setApprovers(List.of("alice", "release-managers"));
        assertEquals("dbpromoteRejection(approvers: ['alice', 'release-managers'])", Snippetizer.object2Groovy(rejection));
        assertEquals(List.of("alice", "release-managers"), roundTripStep(rejection).getApprovers());
        // error: the caught exception, passed by the Pipeline (not a form field), reaches the step
        InterruptedException caught = new InterruptedException();
        RejectionStep fromPipeline = (RejectionStep) StepDescriptor.byFunctionName("dbpromoteRejection")
                .newInstance(Map.of("error", caught, "approvers", List.of("alice")));
        assertTrue(fromPipeline.getError() == caught);
        assertEquals(List.of("alice"), fromPipeline.getApprovers());
    }

    private static <T extends org.jenkinsci.plugins.workflow.steps.Step> T roundTripStep(T step) throws Exception {
        @SuppressWarnings("unchecked")
        DescribableModel<T> model = (DescribableModel<T>) DescribableModel.of(step.getClass());
        return model.instantiate(model.uninstantiate2(step).toMap());
    }

    @Test
    public void defaultsAreTheVars() {
        assertEquals("dev", new RdsCloneStep().getEnv());
        assertEquals(2, new RdsCloneStep().getRetries());
        assertEquals(0, new DbMigrateStep().getRetries());
        assertEquals(2, new K8sDeployStep().getRetries());
        assertEquals(2, new DataValidateStep().getRetries());
        assertEquals(2, new DbSnapshotStep().getRetries());
        assertEquals(0, new DbEnvDestroyStep().getRetries());
        assertEquals("dev", new DbEnvDestroyStep().getEnv());
        assertEquals("dbpromote.yaml", new DbMigrateStep().getConfig());
    }

    @Test
    public void snippetGeneratorRoundTrip() throws Exception {
        assertEquals("rdsClone()", Snippetizer.object2Groovy(new RdsCloneStep()));

        RdsCloneStep clone = new RdsCloneStep();
        clone.setPr("42");
        clone.setFresh(true);
        clone.setRetries(1);
        assertEquals("rdsClone fresh: true, pr: '42', retries: 1", Snippetizer.object2Groovy(clone));
        RdsCloneStep cloneBack = roundTrip(clone);
        assertEquals("42", cloneBack.getPr());
        assertTrue(cloneBack.isFresh());
        assertEquals(1, cloneBack.getRetries());

        DataValidateStep validate = new DataValidateStep();
        validate.setEnv("staging");
        validate.setWarnOnly(true);
        validate.setSuite("db/other.yaml");
        validate.setConfig("app/dbpromote.yaml");
        assertEquals("dataValidate config: 'app/dbpromote.yaml', env: 'staging', suite: 'db/other.yaml', warnOnly: true",
                Snippetizer.object2Groovy(validate));
        DataValidateStep validateBack = roundTrip(validate);
        assertEquals("staging", validateBack.getEnv());
        assertTrue(validateBack.isWarnOnly());
        assertEquals("db/other.yaml", validateBack.getSuite());

        K8sDeployStep deploy = new K8sDeployStep();
        deploy.setEnv("dev");
        deploy.setImage("registry/orders@sha256:abc");
        deploy.setDryRun(true);
        deploy.setEngine("/opt/dbpromote/bin/dbpromote");
        assertEquals("k8sDeploy dryRun: true, engine: '/opt/dbpromote/bin/dbpromote', env: 'dev', image: 'registry/orders@sha256:abc'",
                Snippetizer.object2Groovy(deploy));
        assertEquals("registry/orders@sha256:abc", roundTrip(deploy).getImage());

        DbMigrateStep migrate = new DbMigrateStep();
        migrate.setEnv("dev");
        migrate.setTarget("7");
        assertEquals("dbMigrate env: 'dev', target: '7'", Snippetizer.object2Groovy(migrate));
        assertEquals("7", roundTrip(migrate).getTarget());

        DbSnapshotStep snapshot = new DbSnapshotStep();
        snapshot.setEnv("production");
        assertEquals("dbSnapshot env: 'production'", Snippetizer.object2Groovy(snapshot));

        DbEnvDestroyStep destroy = new DbEnvDestroyStep();
        destroy.setPr("42");
        assertEquals("dbEnvDestroy pr: '42'", Snippetizer.object2Groovy(destroy));
        assertEquals("42", roundTrip(destroy).getPr());
    }

    @Test
    public void credentialsMapKeepsTheVarsShape() throws Exception {
        DescribableModel<RdsCloneStep> model = DescribableModel.of(RdsCloneStep.class);
        Map<String, Object> credentials = Map.of("kubeconfig", "kube-dev", "passwords", Map.of("ORDERS_DB_PASSWORD", "orders-prod-readonly"));
        RdsCloneStep step = model.instantiate(Map.of("pr", "42", "credentials", credentials));
        assertEquals(credentials, step.getCredentials());
        assertEquals(credentials, roundTrip(step).getCredentials());
    }

    private static <T extends DbpromoteStep> T roundTrip(T step) throws Exception {
        @SuppressWarnings("unchecked")
        DescribableModel<T> model = (DescribableModel<T>) DescribableModel.of(step.getClass());
        return model.instantiate(model.uninstantiate2(step).toMap());
    }
}
