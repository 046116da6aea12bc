package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code dbMigrate(env: 'dev')}: pending migrations, linted first; not retried (MySQL DDL is not transactional). */
public class DbMigrateStep extends PrStep {
    private static final long serialVersionUID = 1L;

    private String target;

    public String getTarget() {
        return target;
    }

    /** Migrate up to this version only. */
    @DataBoundSetter
    public void setTarget(String target) {
        this.target = blankToNull(target);
    }

    @DataBoundConstructor
    public DbMigrateStep() {
        super(null, 0);
    }

    @Override
    List<String> command() {
        return List.of("migrate");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        o.put("pr", pr(contextEnv));
        o.put("target", target);
        return o;
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbMigrate";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: apply the pending migrations (dbpromote migrate)";
        }
    }
}
