package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code k8sDeploy(env: 'dev', image: ...)}: the service next to its database, rollout wait, undo; a re-apply is idempotent, so exit 3 is retried. */
public class K8sDeployStep extends PrStep {
    private static final long serialVersionUID = 1L;

    private String image;

    public String getImage() {
        return image;
    }

    /** Image reference, preferably by digest. */
    @DataBoundSetter
    public void setImage(String image) {
        this.image = blankToNull(image);
    }

    @DataBoundConstructor
    public K8sDeployStep() {
        super(null, 2);
    }

    @Override
    List<String> command() {
        return List.of("deploy");
    }

    @Override
    Map<String, String> options(EnvVars contextEnv) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("env", getEnv());
        o.put("pr", pr(contextEnv));
        o.put("image", image);
        return o;
    }

    @Override
    String argumentProblem(EnvVars contextEnv) {
        if (getEnv() == null) {
            return "k8sDeploy: missing env. Name the environment from dbpromote.yaml, e.g. k8sDeploy(env: 'dev', image: 'registry/orders@sha256:...').";
        }
        return null;
    }

    @Extension
    public static final class DescriptorImpl extends DbpromoteStepDescriptor {
        @Override
        public String getFunctionName() {
            return "k8sDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: deploy the service next to its database (dbpromote deploy)";
        }
    }
}
