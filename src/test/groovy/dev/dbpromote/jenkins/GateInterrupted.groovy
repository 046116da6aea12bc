package dev.dbpromote.jenkins

/**
 * What a rejected or timed-out `input` throws in these tests (Jenkins: FlowInterruptedException, whose
 * getCauses() holds a Rejection with the user who clicked Abort, or a timeout / superseded cause).
 */
class GateInterrupted extends RuntimeException {
    final List causes

    GateInterrupted(String message, List causes = []) {
        super(message)
        this.causes = causes
    }

    static GateInterrupted rejectedBy(String userId) {
        return new GateInterrupted("Rejected by ${userId}", [new Rejection(userId)])
    }

    /** Same simple name as org.jenkinsci.plugins.workflow.support.steps.input.Rejection. */
    static class Rejection implements Serializable {
        final Map user

        Rejection(String userId) {
            this.user = [id: userId]
        }

        String getShortDescription() {
            return "Rejected by ${user.id}"
        }
    }
}
