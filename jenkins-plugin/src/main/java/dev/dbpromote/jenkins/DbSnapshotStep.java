package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;

/** {@code dbSnapshot(env: 'production')}: the rollback point before an in-place environment is migrated; exit 3 is retried. */
public class DbSnapshotStep extends DbpromoteStep {
    private static final long serialVersionUID = 1L;

    @DataBoundConstructor
    public DbSnapshotStep() {
        super(null, 2);
    }

    @Override
    List<String> command() {
        return List.of("snapshot");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        return o;
    }

    @Override
    String argumentProblem(EnvVars contextEnv) {
        if (getEnv() == null) {
            return "dbSnapshot: missing env. Name the environment from dbpromote.yaml, e.g. dbSnapshot(env: 'production').";
        }
        return null;
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbSnapshot";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: snapshot a database before it is migrated (dbpromote snapshot)";
        }
    }
}
