package dev.dbpromote.jenkins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.FilePath;
import hudson.model.Result;
import hudson.slaves.DumbSlave;
import hudson.tools.InstallSourceProperty;
import hudson.tools.ZipExtractionInstaller;
import hudson.util.Secret;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The steps in a real Jenkins (JenkinsRule) on an agent, with {@link FakeEngine} as the engine: the command line each
 * step runs, the returned Map, credentials passed as environment and masked in the log, every exit code's build
 * result, retries, the tool installation (path on the node and archive installer) and the build action over REST.
 */
public class EngineStepsTest {
    private static final String DB_PASSWORD = "pw-Orders-4711";
    private static final String AWS_SECRET = "aws-Secret-0815";

    @Rule
    public JenkinsRule j = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DumbSlave agent;
    private Path fakeHome;

    @Before
    public void agentAndFakeEngine() throws Exception {
        EngineRun.retryBaseSeconds = 0;
        agent = j.createOnlineSlave();
        fakeHome = FakeEngine.install(tmp.newFolder("fake-dbpromote").toPath());
    }

    private void toolAt(String home) {
        j.jenkins.getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class)
                .setInstallations(new DbpromoteInstallation("default", home, List.of()));
    }

    private WorkflowJob job(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition("node('" + agent.getNodeName() + "') {\n" + script + "\n}", true));
        return p;
    }

    private String calls(WorkflowJob p) throws Exception {
        FilePath f = agent.getWorkspaceFor(p).child("fake-calls.txt");
        return f.exists() ? f.readToString() : "";
    }

    @Test
    public void eachStepRunsItsCommandOnTheAgentAndReturnsTheEnginesJson() throws Exception {
        toolAt(fakeHome.toString());
        WorkflowJob p = job("steps", """
                def r = rdsClone(pr: 42)
                echo "clone: ${r.database} at ${r.host}:${r.port} list=${r.nested.list} approvedBy=${r.approvedBy}"
                dbMigrate(env: 'dev', pr: '42', target: '7')
                def d = k8sDeploy(env: 'dev', pr: '42', image: 'registry.example/orders:1', dryRun: true)
                echo "deployed ${d.digest}"
                dataValidate(env: 'staging', pr: null, suite: 'db/s.yaml', strategy: 'per-expectation')
                dbSnapshot(env: 'production', config: 'app/dbpromote.yaml')
                rdsClone(pr: 43, fresh: true)
                dbEnvDestroy(pr: '42')
                """);
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("clone: orders_pr_42 at 127.0.0.1:3306 list=[1, two, null, true] approvedBy=null", b);
        j.assertLogContains("deployed registry.example/orders@sha256:abc", b);
        // ran in the agent's workspace, not the controller's
        j.assertLogContains("in " + agent.getWorkspaceFor(p).getRemote(), b);
        assertEquals(String.join("\n",
                "clone --config dbpromote.yaml --env dev --pr 42 --output json",
                "migrate --config dbpromote.yaml --env dev --pr 42 --target 7 --output json",
                "deploy --config dbpromote.yaml --env dev --pr 42 --image registry.example/orders:1 --dry-run --output json",
                "validate --config dbpromote.yaml --env staging --suite db/s.yaml --strategy per-expectation --output json",
                "snapshot --config app/dbpromote.yaml --env production --output json",
                "clone --config dbpromote.yaml --env dev --pr 43 --fresh --output json",
                "env destroy --config dbpromote.yaml --env dev --pr 42 --output json", ""), calls(p));
        // the JSON result where the library's vars put it
        assertTrue(agent.getWorkspaceFor(p).child(".dbpromote/jenkins/clone-dev-pr-42.json").readToString().contains("orders_pr_42"));
        assertTrue(agent.getWorkspaceFor(p).child("app/.dbpromote/jenkins/snapshot-production.json").exists());
    }

    @Test
    public void prDefaultsToChangeIdAndMissingArgumentsFailWithTheVarsMessages() throws Exception {
        toolAt(fakeHome.toString());
        WorkflowJob p = job("pr", "withEnv(['CHANGE_ID=77']) { rdsClone(); dbMigrate(env: 'dev') }");
        j.buildAndAssertSuccess(p);
        assertEquals("clone --config dbpromote.yaml --env dev --pr 77 --output json\n"
                + "migrate --config dbpromote.yaml --env dev --pr 77 --output json\n", calls(p));

        WorkflowJob noEnv = job("no-env", "dbMigrate(pr: '1')");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, noEnv);
        j.assertLogContains("dbMigrate: missing env. Name the environment from dbpromote.yaml, e.g. dbMigrate(env: 'dev').", b);
        WorkflowJob noPr = job("no-pr", "dbEnvDestroy()");
        j.assertLogContains("dbEnvDestroy: missing pr.", j.buildAndAssertStatus(Result.FAILURE, noPr));
        WorkflowJob typo = job("typo", "dbMigrate(env: 'dev', targt: '7')");
        j.assertLogContains("targt", j.buildAndAssertStatus(Result.FAILURE, typo));
        assertEquals("", calls(noEnv) + calls(noPr) + calls(typo));
    }

    @Test
    public void credentialsReachTheEngineAsEnvironmentOnlyAndAreMaskedInTheLog() throws Exception {
        toolAt(fakeHome.toString());
        var store = CredentialsProvider.lookupStores(j.jenkins).iterator().next();
        store.addCredentials(Domain.global(), new StringCredentialsImpl(CredentialsScope.GLOBAL, "orders-db", "", Secret.fromString(DB_PASSWORD)));
        store.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "orders-aws", "", "AKIAFAKE", AWS_SECRET));
        store.addCredentials(Domain.global(), new FileCredentialsImpl(CredentialsScope.GLOBAL, "kube-dev", "", "kubeconfig",
                SecretBytes("apiVersion: v1 # kube-dev\nkind: Config\n")));
        WorkflowJob p = job("creds", """
                rdsClone(pr: 42, credentials: [aws: 'orders-aws', kubeconfig: 'kube-dev', passwords: [ORDERS_DB_PASSWORD: 'orders-db']])
                """);
        WorkflowRun b = j.buildAndAssertSuccess(p);
        String log = JenkinsRule.getLog(b);
        assertThat(log, not(containsString(DB_PASSWORD)));
        assertThat(log, not(containsString(AWS_SECRET)));
        assertThat(log, containsString("got password=****"));
        assertThat(log, containsString("got aws=****/****"));
        assertThat(log, containsString("first line: apiVersion: v1 # kube-dev"));
        // never on the command line
        assertThat(calls(p), not(containsString(DB_PASSWORD)));
        // the kubeconfig copy is gone after the step
        String kubeconfig = log.replaceAll("(?s).*got kubeconfig=(\\S+) first line.*", "$1");
        assertFalse(kubeconfig, new FilePath(agent.getChannel(), kubeconfig).exists());

        WorkflowJob missing = job("missing", "rdsClone(pr: 42, credentials: [passwords: [ORDERS_DB_PASSWORD: 'nope']])");
        j.assertLogContains("rdsClone: no Secret text credentials with id 'nope' (credentials.passwords.ORDERS_DB_PASSWORD)",
                j.buildAndAssertStatus(Result.FAILURE, missing));
        WorkflowJob badKey = job("bad-key", "rdsClone(pr: 42, credentials: [password: 'x'])");
        j.assertLogContains("credentials: unknown key 'password'. Valid keys: aws", j.buildAndAssertStatus(Result.FAILURE, badKey));
        assertEquals("", calls(missing) + calls(badKey));
    }

    private static com.cloudbees.plugins.credentials.SecretBytes SecretBytes(String text) {
        return com.cloudbees.plugins.credentials.SecretBytes.fromBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void exitCodesMapToBuildResultsAsInTheVars() throws Exception {
        toolAt(fakeHome.toString());
        WorkflowRun b1 = j.buildAndAssertStatus(Result.FAILURE, job("exit1", "withEnv(['FAKE_EXIT=1']) { dataValidate(env: 'dev', pr: '1') }"));
        j.assertLogContains("dataValidate: dbpromote validate dev-pr-1 found problems (exit 1): fake failure 1", b1);

        WorkflowRun warn = j.buildAndAssertStatus(Result.UNSTABLE,
                job("exit1-warn", "withEnv(['FAKE_EXIT=1']) { dataValidate(env: 'dev', pr: '1', warnOnly: true) }\necho 'went on'"));
        j.assertLogContains("This environment is warn-only, so the build is UNSTABLE", warn);
        j.assertLogContains("went on", warn);

        WorkflowRun b2 = j.buildAndAssertStatus(Result.FAILURE, job("exit2", "withEnv(['FAKE_EXIT=2']) { dbMigrate(env: 'dev', pr: '1') }"));
        j.assertLogContains("dbMigrate: dbpromote migrate dev-pr-1 rejected its input or config (exit 2): "
                + "fake failure 2: V2__add_email.sql statement 1 at line 3. Nothing was changed", b2);

        // exit 3: idempotent steps retry (retries: 2 by default), dbMigrate does not
        WorkflowJob clone3 = job("exit3-clone", "withEnv(['FAKE_EXIT=3']) { rdsClone(pr: '1') }");
        WorkflowRun b3 = j.buildAndAssertStatus(Result.FAILURE, clone3);
        j.assertLogContains("could not reach an external system (exit 3); attempt 2 of 3", b3);
        j.assertLogContains("failed or timed out (exit 3) after 3 attempts: fake failure 3", b3);
        assertEquals(3, calls(clone3).lines().count());
        WorkflowJob migrate3 = job("exit3-migrate", "withEnv(['FAKE_EXIT=3']) { dbMigrate(env: 'dev', pr: '1') }");
        j.assertLogContains("(exit 3) after 1 attempt: fake failure 3", j.buildAndAssertStatus(Result.FAILURE, migrate3));
        assertEquals(1, calls(migrate3).lines().count());

        WorkflowRun b4 = j.buildAndAssertStatus(Result.FAILURE, job("exit4", "withEnv(['FAKE_EXIT=4']) { k8sDeploy(env: 'dev', pr: '1') }"));
        j.assertLogContains("k8sDeploy: dbpromote deploy dev-pr-1 hit an internal error (exit 4): fake failure 4", b4);

        WorkflowRun b9 = j.buildAndAssertStatus(Result.FAILURE, job("exit9", "withEnv(['FAKE_EXIT=9']) { dbSnapshot(env: 'staging') }"));
        j.assertLogContains("dbSnapshot: dbpromote snapshot staging exited with unexpected code 9", b9);

        // the step's Map is returned only on success, the build action records every exit code
        DbpromoteEnvironmentAction a = DbpromoteEnvironmentAction.forEnvironment(b2, "dev-pr-1");
        assertNotNull(a);
        assertEquals(2, a.getSteps().get(0).getExitCode());
    }

    @Test
    public void missingEngineFailsWithInstallInstructions() throws Exception {
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, job("none", "rdsClone(pr: '1', engine: '/nonexistent/bin/dbpromote')"));
        j.assertLogContains("rdsClone: the dbpromote engine was not found on this agent (looked for '/nonexistent/bin/dbpromote'). Install it:", b);
        j.assertLogContains("Manage Jenkins → Tools", b);
    }

    @Test
    public void engineFromDbpromoteHomeBeforeTheTool() throws Exception {
        toolAt("/nonexistent-tool");
        WorkflowJob p = job("home", "withEnv(['DBPROMOTE_HOME=" + fakeHome + "/']) { dbSnapshot(env: 'staging') }");
        j.buildAndAssertSuccess(p);
        assertEquals("snapshot --config dbpromote.yaml --env staging --output json\n", calls(p));
    }

    @Test
    public void toolInstalledOnTheAgentFromAnArchiveUrl() throws Exception {
        // target/dbpromote packed as an agent would download it: dbpromote/bin/dbpromote inside a .tar.gz
        Path archive = tmp.getRoot().toPath().resolve("dbpromote.tar.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(archive))) {
            new FilePath(fakeHome.getParent().toFile()).tar(os, fakeHome.getFileName() + "/**");
        }
        assertTrue(Files.size(archive) > 0);
        ZipExtractionInstaller installer = new ZipExtractionInstaller(null, archive.toUri().toString(), fakeHome.getFileName().toString());
        j.jenkins.getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class).setInstallations(
                new DbpromoteInstallation("from-archive", "", List.of(new InstallSourceProperty(List.of(installer)))));
        WorkflowJob p = job("archive", "dbSnapshot(env: 'staging')");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        FilePath[] installed = agent.getRootPath().child("tools").list("**/from-archive/fake-dbpromote/bin/dbpromote");
        assertEquals("installed under the agent's tools folder; log: " + JenkinsRule.getLog(b), 1, installed.length);
        j.assertLogContains(installed[0].getRemote(), b); // home = the extracted folder + the installer's subdir
        assertEquals(1, calls(p).lines().count());
    }

    @Test
    public void buildActionPerEnvironmentReadableThroughRest() throws Exception {
        toolAt(fakeHome.toString());
        WorkflowJob p = job("action", """
                rdsClone(pr: 42)
                dbMigrate(env: 'dev', pr: 42)
                k8sDeploy(env: 'dev', pr: 42, image: 'registry.example/orders:1')
                writeFile file: '.dbpromote/html/validate-dev-pr-42.html', text: '<html></html>'
                writeFile file: '.dbpromote/junit/validate-dev-pr-42.xml', text: '<testsuite/>'
                dataValidate(env: 'dev', pr: 42)
                dbSnapshot(env: 'staging')
                """);
        WorkflowRun b = j.buildAndAssertSuccess(p);
        assertEquals(2, b.getActions(DbpromoteEnvironmentAction.class).size());
        JSONObject json = j.getJSON(b.getUrl() + "api/json?tree=actions[envKey,env,pr,endpoint,database,image,validationReport,junitReport,steps[step,exitCode]]")
                .getJSONObject();
        JSONObject dev = null;
        for (Object o : json.getJSONArray("actions")) {
            JSONObject a = (JSONObject) o;
            if ("dev-pr-42".equals(a.optString("envKey"))) {
                dev = a;
            }
        }
        assertNotNull(json.toString(), dev);
        assertEquals("dev", dev.getString("env"));
        assertEquals("42", dev.getString("pr"));
        assertEquals("127.0.0.1:3306", dev.getString("endpoint"));
        assertEquals("orders_pr_42", dev.getString("database"));
        assertEquals("registry.example/orders@sha256:abc", dev.getString("image"));
        assertEquals(".dbpromote/html/validate-dev-pr-42.html", dev.getString("validationReport"));
        assertEquals(".dbpromote/junit/validate-dev-pr-42.xml", dev.getString("junitReport"));
        JSONArray steps = dev.getJSONArray("steps");
        assertEquals(4, steps.size());
        assertEquals("dataValidate", steps.getJSONObject(3).getString("step"));
        // and on the build page
        String page = j.createWebClient().getPage(b).getWebResponse().getContentAsString();
        assertThat(page, containsString("dbpromote dev-pr-42"));
        assertThat(page, containsString("orders_pr_42"));
    }
}
