package dev.dbpromote.jenkins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import hudson.util.Secret;
import java.io.File;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The steps with the real packaged engine ({@code target/dbpromote/bin/dbpromote}, built by the root module's
 * {@code package}; {@code .ci/run} builds it first and passes {@code -Ddbpromote.engine.home}): its exit codes,
 * JSON errors and messages as they reach the build. Skipped, with the reason, when the engine has not been built
 * (failed instead with {@code -Ddbpromote.engine.required=true}, as in CI).
 */
public class RealEngineStepTest {
    @Rule
    public JenkinsRule j = new JenkinsRule();

    private DumbSlave agent;

    @Before
    public void engineAsTool() throws Exception {
        String home = System.getProperty("dbpromote.engine.home", "");
        File bin = new File(home, "bin/dbpromote");
        String missing = "the packaged engine is not at " + bin + ": run './mvnw package -DskipTests' at the repository root first";
        if (Boolean.getBoolean("dbpromote.engine.required")) {
            assertTrue(missing, bin.canExecute());
        }
        assumeTrue(missing, bin.canExecute());
        j.jenkins.getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class)
                .setInstallations(new DbpromoteInstallation("default", new File(home).getAbsolutePath(), List.of()));
        EngineRun.retryBaseSeconds = 0;
        agent = j.createOnlineSlave();
    }

    private WorkflowJob job(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition("node('" + agent.getNodeName() + "') {\n" + script + "\n}", true));
        return p;
    }

    @Test
    public void invalidConfigIsExit2WithTheEnginesMessage() throws Exception {
        WorkflowJob p = job("bad-config", """
                writeFile file: 'dbpromote.yaml', text: 'app: orders\\nsourc:\\n  mysql: {host: 127.0.0.1, port: 3306}\\n'
                dbMigrate(env: 'dev', pr: 42)
                """);
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("dbMigrate: dbpromote migrate dev-pr-42 rejected its input or config (exit 2): ", b);
        j.assertLogContains("unknown key 'sourc' at line 2 (in the top level); did you mean 'source'?", b);
        j.assertLogContains("Nothing was changed", b);
        assertEquals(2, DbpromoteEnvironmentAction.forEnvironment(b, "dev-pr-42").getSteps().get(0).getExitCode());
    }

    @Test
    public void unreachableSourceIsExit3RetriedWithThePasswordNeverShown() throws Exception {
        String password = "Real-Engine-pw-42";
        CredentialsProvider.lookupStores(j.jenkins).iterator().next().addCredentials(Domain.global(),
                new StringCredentialsImpl(CredentialsScope.GLOBAL, "orders-prod-readonly", "", Secret.fromString(password)));
        // port 1 on loopback: nothing listens there
        WorkflowJob p = job("unreachable", """
                writeFile file: 'dbpromote.yaml', text: '''app: orders
                source:
                  mysql: {host: 127.0.0.1, port: 1}
                  database: orders
                  user: root
                  passwordEnv: ORDERS_DB_PASSWORD
                migrations: {locations: [db/migrations]}
                environments:
                  dev:
                    database: {strategy: clone, ttl: 72h}
                '''
                rdsClone(pr: 42, retries: 1, dryRun: true, credentials: [passwords: [ORDERS_DB_PASSWORD: 'orders-prod-readonly']])
                """);
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        String log = JenkinsRule.getLog(b);
        assertThat(log, containsString("clone --config dbpromote.yaml --env dev --pr 42 --dry-run --output json"));
        assertThat(log, containsString("attempt 2 of 2"));
        assertThat(log, containsString("(exit 3) after 2 attempts: Cannot reach the database at 127.0.0.1:1"));
        assertThat(log, not(containsString(password)));
        assertTrue(agent.getWorkspaceFor(p).child(".dbpromote/jenkins/clone-dev-pr-42.json").readToString().contains("\"exitCode\" : 3"));
    }
}
