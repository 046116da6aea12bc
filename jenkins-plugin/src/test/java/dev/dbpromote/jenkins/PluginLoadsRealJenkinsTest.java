package dev.dbpromote.jenkins;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import hudson.PluginWrapper;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.RealJenkinsRule;

/**
 * The plugin as Jenkins loads it for real: a separate Jenkins 2.516.2 started from jenkins.war with the Pipeline plugins
 * as .hpi files and this plugin as a plugin (not on the test classpath); its six steps are in the Snippet Generator.
 */
public class PluginLoadsRealJenkinsTest {
    @Rule
    public RealJenkinsRule rr = new RealJenkinsRule();

    @Test
    public void stepsAppearInTheSnippetGenerator() throws Throwable {
        rr.then(PluginLoadsRealJenkinsTest::body);
    }

    private static void body(JenkinsRule j) throws Throwable {
        PluginWrapper plugin = j.jenkins.getPluginManager().getPlugin("dbpromote");
        assertNotNull("dbpromote loaded as a plugin", plugin);
        assertTrue(plugin.isActive());
        WorkflowJob p = j.createProject(WorkflowJob.class, "p");
        String generator = j.createWebClient().getPage(p, "pipeline-syntax").getWebResponse().getContentAsString();
        for (String step : new String[] {"rdsClone", "dbMigrate", "k8sDeploy", "dataValidate", "dbSnapshot", "dbEnvDestroy"}) {
            assertTrue(step + " in the Snippet Generator", generator.contains(step + ": dbpromote: "));
        }
    }
}
