package dev.dbpromote.jenkins;

import hudson.EnvVars;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A step scoped to a pull request's environment: {@code pr} defaults to {@code env.CHANGE_ID}, and an explicit
 * {@code pr: null} means a fixed environment such as staging (as in the library's vars).
 */
public abstract class PrStep extends DbpromoteStep {
    private static final long serialVersionUID = 1L;

    private String pr;
    private boolean prGiven;

    protected PrStep(String defaultEnv, int defaultRetries) {
        super(defaultEnv, defaultRetries);
    }

    public String getPr() {
        return pr;
    }

    @DataBoundSetter
    public void setPr(String pr) {
        this.pr = blankToNull(pr);
        this.prGiven = true;
    }

    /** The PR number this run is for: the argument, else CHANGE_ID of a multibranch PR build. */
    String pr(EnvVars contextEnv) {
        return prGiven ? pr : blankToNull(contextEnv.get("CHANGE_ID"));
    }

    @Override
    String envKey(EnvVars contextEnv) {
        String p = pr(contextEnv);
        return p == null ? getEnv() : getEnv() + "-pr-" + p;
    }

    @Override
    String argumentProblem(EnvVars contextEnv) {
        if (getEnv() == null) {
            return functionName() + ": missing env. Name the environment from dbpromote.yaml, e.g. " + functionName() + "(env: 'dev').";
        }
        return null;
    }
}
