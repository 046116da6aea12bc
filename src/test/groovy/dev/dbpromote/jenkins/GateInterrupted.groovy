package dev.dbpromote.jenkins

/** What a rejected or timed-out `input` throws in these tests (Jenkins: FlowInterruptedException). */
class GateInterrupted extends RuntimeException {
    GateInterrupted(String message) {
        super(message)
    }
}
