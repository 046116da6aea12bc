package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code rdsClone(pr: env.CHANGE_ID)}: the PR's own copy of the production database; idempotent, so exit 3 is retried. */
public class RdsCloneStep extends PrStep {
    private static final long serialVersionUID = 1L;

    private boolean fresh;

    public boolean isFresh() {
        return fresh;
    }

    /** true: replace an existing clone of this PR instead of reusing it. */
    @DataBoundSetter
    public void setFresh(boolean fresh) {
        this.fresh = fresh;
    }

    @DataBoundConstructor
    public RdsCloneStep() {
        super("dev", 2);
    }

    @Override
    List<String> command() {
        return List.of("clone");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        o.put("pr", pr(contextEnv));
        return o;
    }

    @Override
    List<String> switches() {
        return fresh ? List.of("fresh") : List.of();
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "rdsClone";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: a database for this pull request (dbpromote clone)";
        }
    }
}
