package dev.dbpromote.jenkins

/** What the `error` step throws in these tests (Jenkins: hudson.AbortException). */
class PipelineError extends RuntimeException {
    PipelineError(String message) {
        super(message)
    }
}
