package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code dataValidate(env: 'dev')}: expectation suite and source comparison; read-only, so exit 3 is retried. */
public class DataValidateStep extends PrStep {
    private static final long serialVersionUID = 1L;

    private String suite;
    private String strategy;
    private boolean warnOnly;

    public String getSuite() {
        return suite;
    }

    /** Suite file instead of validate.suite of dbpromote.yaml. */
    @DataBoundSetter
    public void setSuite(String suite) {
        this.suite = blankToNull(suite);
    }

    public String getStrategy() {
        return strategy;
    }

    /** single-scan or per-expectation. */
    @DataBoundSetter
    public void setStrategy(String strategy) {
        this.strategy = blankToNull(strategy);
    }

    public boolean isWarnOnly() {
        return warnOnly;
    }

    /** true: failed expectations make the build UNSTABLE instead of failing it. */
    @DataBoundSetter
    public void setWarnOnly(boolean warnOnly) {
        this.warnOnly = warnOnly;
    }

    @DataBoundConstructor
    public DataValidateStep() {
        super(null, 2);
    }

    @Override
    List<String> command() {
        return List.of("validate");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        o.put("pr", pr(contextEnv));
        o.put("suite", suite);
        o.put("strategy", strategy);
        return o;
    }

    @Override
    boolean warnOnly() {
        return warnOnly;
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "dataValidate";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: check the data (dbpromote validate)";
        }
    }
}
