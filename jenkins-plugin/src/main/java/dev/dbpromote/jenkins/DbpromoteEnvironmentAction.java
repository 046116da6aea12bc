package dev.dbpromote.jenkins;

import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a build did to one environment (dev-pr-42, staging, production): endpoint, database, image deployed, who
 * approved it, the steps that ran with their exit codes, and where the validation page and JUnit results are.
 * One per environment key, updated by every dbpromote step on it; shown on the build page (summary) and in the
 * REST API ({@code /job/x/1/api/json?tree=actions[envKey,endpoint,database,image,approver,steps[*]]}).
 */
@ExportedBean
public class DbpromoteEnvironmentAction implements RunAction2 {
    private final String envKey;
    private String env;
    private String pr;
    private String endpoint;
    private String database;
    private String image;
    private String approver;
    /** Set by the library's dbPromotion around an environment's stages: who approved its gate. */
    static final String APPROVER_VARIABLE = "DBPROMOTE_APPROVER";
    private String validationReport;
    private String junitReport;
    private final List<StepRecord> steps = new ArrayList<>();
    private transient Run<?, ?> run;

    DbpromoteEnvironmentAction(String envKey) {
        this.envKey = envKey;
    }

    /** Adds or updates the action for this environment with one step's outcome. */
    static void record(Run<?, ?> run, FilePath workspace, DbpromoteStep step, String envKey, EnvVars contextEnv,
            int exitCode, Map<String, Object> result) throws IOException, InterruptedException {
        String key = envKey == null ? "default" : envKey;
        synchronized (run) {
            DbpromoteEnvironmentAction existing = forEnvironment(run, key);
            DbpromoteEnvironmentAction action = existing != null ? existing : new DbpromoteEnvironmentAction(key);
            if (existing == null) {
                run.addAction(action);
            }
            action.env = step.getEnv();
            if (step instanceof PrStep p) {
                action.pr = p.pr(contextEnv);
            }
            Object host = result.get("host");
            if (host != null && !host.toString().isEmpty()) {
                Object port = result.get("port");
                action.endpoint = host + (port == null ? "" : ":" + port);
            }
            setIfPresent(result, "database", v -> action.database = v);
            if (step instanceof K8sDeployStep) {
                Object digest = result.get("digest");
                Object image = digest != null ? digest : result.get("image");
                if (image != null) {
                    action.image = image.toString();
                }
            }
            setIfPresent(result, "approvedBy", v -> action.approver = v);
            // dbPromotion runs an environment's stages with the approver of its gate in DBPROMOTE_APPROVER
            String approver = contextEnv.get(APPROVER_VARIABLE);
            if (approver != null && !approver.isBlank()) {
                action.approver = approver;
            }
            String report = new EngineRun(step, null).reportName(envKey);
            FilePath state = new EngineRun(step, null).stateDir(workspace);
            String base = relative(workspace, state);
            if (state.child("html").child(report + ".html").exists()) {
                action.validationReport = base + "/html/" + report + ".html";
            }
            if (state.child("junit").child(report + ".xml").exists()) {
                action.junitReport = base + "/junit/" + report + ".xml";
            }
            action.steps.add(new StepRecord(step.functionName(), String.join(" ", step.command()), exitCode, step.isDryRun()));
            run.save();
        }
    }

    private static String relative(FilePath workspace, FilePath dir) {
        String ws = workspace.getRemote();
        String d = dir.getRemote();
        return d.startsWith(ws + "/") ? d.substring(ws.length() + 1) : d;
    }

    private static void setIfPresent(Map<String, Object> result, String key, java.util.function.Consumer<String> setter) {
        Object v = result.get(key);
        if (v != null && !v.toString().isEmpty()) {
            setter.accept(v.toString());
        }
    }

    /** The action for an environment key, or null. */
    public static DbpromoteEnvironmentAction forEnvironment(Run<?, ?> run, String envKey) {
        for (DbpromoteEnvironmentAction a : run.getActions(DbpromoteEnvironmentAction.class)) {
            if (a.envKey.equals(envKey)) {
                return a;
            }
        }
        return null;
    }

    @Exported
    public String getEnvKey() {
        return envKey;
    }

    @Exported
    public String getEnv() {
        return env;
    }

    @Exported
    public String getPr() {
        return pr;
    }

    @Exported
    public String getEndpoint() {
        return endpoint;
    }

    @Exported
    public String getDatabase() {
        return database;
    }

    @Exported
    public String getImage() {
        return image;
    }

    @Exported
    public String getApprover() {
        return approver;
    }

    /** The validation HTML page as the engine wrote it, relative to the workspace (archived by the library). */
    @Exported
    public String getValidationReport() {
        return validationReport;
    }

    @Exported
    public String getJunitReport() {
        return junitReport;
    }

    @Exported(inline = true)
    public List<StepRecord> getSteps() {
        return List.copyOf(steps);
    }

    /** Link to the validation page among the build's artifacts, when it was archived. */
    public String getValidationReportUrl() {
        if (validationReport == null || run == null || !run.getHasArtifacts()) {
            return null;
        }
        return "artifact/" + validationReport;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "dbpromote " + envKey;
    }

    @Override
    public String getUrlName() {
        return null;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** One step's run on this environment. */
    @ExportedBean(defaultVisibility = 2)
    public static final class StepRecord {
        private final String step;
        private final String command;
        private final int exitCode;
        private final boolean dryRun;

        StepRecord(String step, String command, int exitCode, boolean dryRun) {
            this.step = step;
            this.command = command;
            this.exitCode = exitCode;
            this.dryRun = dryRun;
        }

        @Exported
        public String getStep() {
            return step;
        }

        @Exported
        public String getCommand() {
            return command;
        }

        @Exported
        public int getExitCode() {
            return exitCode;
        }

        @Exported
        public boolean isDryRun() {
            return dryRun;
        }
    }
}
