package dev.dbpromote.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.support.steps.input.Rejection;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Who rejected an approval gate, in the {@code catch} around {@code input}:
 * <pre>
 * catch (err) {
 *     Map rejection = dbpromoteRejection(error: err, approvers: ['alice', 'release-managers'])
 *     // null: not a rejection (a timeout, a newer build passed the milestone); else [user: 'bob', approver: false]
 * }
 * </pre>
 * {@code approver} says whether that user is one of {@code approvers} (user ids, or groups the user is in): Jenkins lets
 * anyone who may cancel builds abort an input, not only its submitters. Reading the interruption's causes and a user's
 * groups needs Jenkins' Java API, which the sandbox refuses to an untrusted library; this step needs no trust.
 */
public class RejectionStep extends Step {
    static final String ANONYMOUS = "an anonymous user";

    /** The caught exception; passed by the Pipeline, never configured in a form (see {@link DescriptorImpl#newInstance}). */
    private transient Throwable error;
    private List<String> approvers = List.of();

    @DataBoundConstructor
    public RejectionStep() {
    }

    public List<String> getApprovers() {
        return approvers;
    }

    /** The gate's approvers: user ids or group names (dbpromote.yaml's environments.ENV.approvers). */
    @DataBoundSetter
    public void setApprovers(List<String> approvers) {
        this.approvers = approvers == null ? List.of() : new ArrayList<>(approvers);
    }

    Throwable getError() {
        return error;
    }

    void setError(Throwable error) {
        this.error = error;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    /** [user, approver] when {@code error} is an input's rejection, else null. */
    static Map<String, Object> rejection(Throwable error, List<String> approvers) {
        if (!(error instanceof FlowInterruptedException interrupted)) {
            return null;
        }
        for (CauseOfInterruption cause : interrupted.getCauses()) {
            if (cause instanceof Rejection rejection) {
                User user = rejection.getUser();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("user", user == null ? ANONYMOUS : user.getId());
                out.put("approver", user != null && isApprover(user, approvers));
                return out;
            }
        }
        return null;
    }

    /** A user id matches directly (case-insensitively, as the input step's submitter); a group through the user's authorities. */
    static boolean isApprover(User user, List<String> approvers) {
        for (String approver : approvers) {
            if (approver.equalsIgnoreCase(user.getId())) {
                return true;
            }
        }
        try {
            List<String> groups = user.getAuthorities();
            return approvers.stream().anyMatch(groups::contains);
        } catch (RuntimeException e) {
            return false; // the security realm does not know the user (any more)
        }
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient RejectionStep step;

        Execution(RejectionStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() {
            return rejection(step.getError(), step.getApprovers());
        }
    }

    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "dbpromoteRejection";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "dbpromote: who rejected an approval gate";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of();
        }

        /** {@code error} is the exception the Pipeline caught, not a describable value: taken out before the arguments are bound. */
        @Override
        public Step newInstance(Map<String, Object> arguments) throws Exception {
            Map<String, Object> a = new LinkedHashMap<>(arguments);
            Object error = a.remove("error");
            if (error != null && !(error instanceof Throwable)) {
                throw new IllegalArgumentException("dbpromoteRejection: error must be the exception caught around input, e.g."
                        + " catch (err) { dbpromoteRejection(error: err, approvers: ['alice']) }; got " + error.getClass().getName() + ".");
            }
            RejectionStep step = (RejectionStep) super.newInstance(a);
            step.setError((Throwable) error);
            return step;
        }
    }
}
