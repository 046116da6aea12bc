package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code dbEnvDestroy(pr: 42)}: deletes a PR's environment (only what dbpromote created; never a protected one). */
public class DbEnvDestroyStep extends PrStep {
    private static final long serialVersionUID = 1L;

    @DataBoundConstructor
    public DbEnvDestroyStep() {
        super("dev", 0);
    }

    @Override
    List<String> command() {
        return List.of("env", "destroy");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        o.put("pr", pr(contextEnv));
        return o;
    }

    @Override
    String argumentProblem(EnvVars contextEnv) {
        if (pr(contextEnv) == null) {
            return "dbEnvDestroy: missing pr. Pass the pull request number, e.g. dbEnvDestroy(pr: '42'); on a PR build it defaults to env.CHANGE_ID.";
        }
        return super.argumentProblem(contextEnv);
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbEnvDestroy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: delete a pull request's environment (dbpromote env destroy)";
        }
    }
}
