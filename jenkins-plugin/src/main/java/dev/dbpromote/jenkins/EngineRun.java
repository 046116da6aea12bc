package dev.dbpromote.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import jenkins.util.SystemProperties;
import org.jenkinsci.plugins.credentialsbinding.masking.SecretPatterns;
import org.jenkinsci.plugins.workflow.actions.WarningAction;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * One step's run of the engine on the agent, as the library's {@code dbpromoteEngine.run} does it over {@code sh}:
 * {@code dbpromote <command> --config C [--option value…] [--switch…] --output json} started with
 * {@link Launcher.ProcStarter} in the workspace (no engine classes in Jenkins), stdout (the JSON result) captured,
 * stderr (progress) to the build log with the step's secrets masked, exit 3 retried for idempotent steps, and the
 * exit code mapped to the build result (README "Exit codes").
 */
final class EngineRun {
    /** Seconds before the first retry on exit 3 (the n-th waits n times this, at most 60 s); tests lower it. */
    static int retryBaseSeconds = SystemProperties.getInteger(EngineRun.class.getName() + ".retryBaseSeconds", 15);

    private final DbpromoteStep step;
    private final StepContext context;

    EngineRun(DbpromoteStep step, StepContext context) {
        this.step = step;
        this.context = context;
    }

    Map<String, Object> call() throws Exception {
        TaskListener listener = context.get(TaskListener.class);
        Run<?, ?> run = context.get(Run.class);
        FilePath workspace = context.get(FilePath.class);
        Launcher launcher = context.get(Launcher.class);
        EnvVars contextEnv = context.get(EnvVars.class);
        String fn = step.functionName();

        String problem = step.argumentProblem(contextEnv);
        if (problem != null) {
            throw new AbortException(problem);
        }
        String envKey = step.envKey(contextEnv);
        String label = "dbpromote " + String.join(" ", step.command()) + (envKey == null ? "" : " " + envKey);
        String bin = EngineLocator.locate(step.getEngine(), contextEnv, workspace, listener);
        List<String> cmd = commandLine(bin, contextEnv);
        workspace.mkdirs(); // a node {} block allocates the workspace but does not create it

        int maxAttempts = 1 + step.getRetries();
        int attempt = 0;
        int status;
        byte[] stdout;
        try (BoundCredentials credentials = BoundCredentials.bind(fn, step.getCredentials(), run, workspace)) {
            EnvVars processEnv = new EnvVars(contextEnv);
            processEnv.putAll(credentials.environment());
            Pattern secrets = credentials.secrets().isEmpty() ? null : SecretPatterns.getAggregateSecretPattern(credentials.secrets());
            while (true) {
                attempt++;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                OutputStream log = listener.getLogger();
                OutputStream err = secrets == null ? log
                        : new SecretPatterns.MaskingOutputStream(log, () -> secrets, StandardCharsets.UTF_8.name());
                try {
                    status = launcher.launch().cmds(cmd).envs(processEnv).pwd(workspace)
                            .stdout(out).stderr(err).join();
                } catch (IOException e) {
                    if (isMissingExecutable(e)) {
                        throw new AbortException(missingEngineMessage(fn, bin));
                    }
                    throw e;
                } finally {
                    err.flush();
                }
                stdout = out.toByteArray();
                if (status != 3 || attempt >= maxAttempts) {
                    break;
                }
                int wait = Math.min(retryBaseSeconds * attempt, 60);
                listener.getLogger().println(fn + ": " + label + " could not reach an external system (exit 3); attempt "
                        + (attempt + 1) + " of " + maxAttempts + " in " + wait + "s (the step is idempotent).");
                TimeUnit.SECONDS.sleep(wait);
            }
        }

        Map<String, Object> result = EngineJson.parse(new String(stdout, StandardCharsets.UTF_8));
        saveResult(workspace, envKey, stdout);
        DbpromoteEnvironmentAction.record(run, workspace, step, envKey, contextEnv, status, result);
        boolean warnOnly = step.warnOnly() || Boolean.TRUE.equals(result.get("warnOnly"));
        handleExit(fn, label, status, attempt, result, warnOnly, bin, run, listener);
        return result;
    }

    List<String> commandLine(String bin, EnvVars contextEnv) {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin);
        cmd.addAll(step.command());
        cmd.add("--config");
        cmd.add(step.getConfig());
        step.options(contextEnv).forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                cmd.add("--" + name);
                cmd.add(value);
            }
        });
        step.switches().forEach(s -> cmd.add("--" + s));
        if (step.isDryRun()) {
            cmd.add("--dry-run");
        }
        cmd.add("--output");
        cmd.add("json");
        return cmd;
    }

    /** Maps the engine's exit code to the build result, with the library's messages; returns on 0 and a warn-only 1. */
    private void handleExit(String fn, String label, int status, int attempts, Map<String, Object> result, boolean warnOnly,
            String bin, Run<?, ?> run, TaskListener listener) throws IOException, InterruptedException {
        String detail = EngineJson.message(result);
        String said = detail.isEmpty() ? "" : ": " + detail;
        switch (status) {
            case 0:
                return;
            case 1:
                if (warnOnly) {
                    String message = fn + ": " + label + " found problems (exit 1)" + said
                            + ". This environment is warn-only, so the build is UNSTABLE, not failed; see the report.";
                    listener.getLogger().println(message);
                    run.setResult(Result.UNSTABLE);
                    FlowNode node = context.get(FlowNode.class);
                    if (node != null) {
                        node.addOrReplaceAction(new WarningAction(Result.UNSTABLE).withMessage(message));
                    }
                    return;
                }
                throw new AbortException(fn + ": " + label + " found problems (exit 1)" + said
                        + ". See the step's report (JUnit/HTML/JSON under .dbpromote/).");
            case 2:
                throw new AbortException(fn + ": " + label + " rejected its input or config (exit 2)" + said
                        + ". Nothing was changed; fix the argument or dbpromote.yaml and re-run.");
            case 3:
                throw new AbortException(fn + ": " + label + ": an external system (database, AWS, Kubernetes) failed or timed out (exit 3) after "
                        + attempts + " attempt" + (attempts > 1 ? "s" : "") + said + ".");
            case 4:
                throw new AbortException(fn + ": " + label + " hit an internal error (exit 4)" + said
                        + ". Re-run the command with --stacktrace on the agent and report it.");
            case 126:
            case 127:
                throw new AbortException(missingEngineMessage(fn, bin));
            default:
                throw new AbortException(fn + ": " + label + " exited with unexpected code " + status + said + ".");
        }
    }

    /** The JSON result where the library's vars put it: .dbpromote/jenkins/<command>-<envKey>.json beside the config. */
    private void saveResult(FilePath workspace, String envKey, byte[] stdout) throws IOException, InterruptedException {
        FilePath dir = stateDir(workspace).child("jenkins");
        dir.mkdirs();
        dir.child(reportName(envKey) + ".json").write(new String(stdout, StandardCharsets.UTF_8), "UTF-8");
    }

    FilePath stateDir(FilePath workspace) {
        String config = step.getConfig();
        int slash = config.lastIndexOf('/');
        return slash > 0 ? workspace.child(config.substring(0, slash)).child(".dbpromote") : workspace.child(".dbpromote");
    }

    String reportName(String envKey) {
        String name = String.join("-", step.command());
        return envKey == null ? name : name + "-" + envKey;
    }

    private static boolean isMissingExecutable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("error=2,") || m.contains("No such file or directory") || m.contains("error=13,")) {
                return true;
            }
        }
        return false;
    }

    static String missingEngineMessage(String fn, String bin) {
        return fn + ": the dbpromote engine was not found on this agent (looked for '" + bin + "'). Install it: "
                + "add a dbpromote tool under Manage Jenkins → Tools (extract target/dbpromote from an archive URL, or a path on the node), "
                + "or copy target/dbpromote/ (built by 'mvn -B package -DskipTests' in the dbpromote repository) to the agent, e.g. to /opt/dbpromote, "
                + "then put /opt/dbpromote/bin on PATH, or set DBPROMOTE_HOME=/opt/dbpromote on the agent, "
                + "or pass engine: '/opt/dbpromote/bin/dbpromote' to the step. It needs Java 17 on the agent. "
                + "See the README, section 'Use it in Jenkins'.";
    }
}
