package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The contract between the library and the engine: dbPromotion() draws what the real
 * `dbpromote check` and `dbpromote plan --output json` print for the sample dbpromote.yaml shipped with the library.
 */
class CheckContractTest extends LibraryTestBase {

    @TempDir
    Path repo

    @Test
    void samplePromotesWithWhatTheRealCheckPrints() {
        Files.copy(new File(ROOT, 'resources/dev/dbpromote/sample-dbpromote.yaml').toPath(), repo.resolve('dbpromote.yaml'))
        configFile = repo.resolve('dbpromote.yaml')
        envVars.BRANCH_NAME = 'main'

        runPipeline(new File(ROOT, 'Jenkinsfile.example').text.replace("@Library('dbpromote@v1') _", ''))

        assertEquals(['Promote-staging', 'Promote-production'], inputs.collect { it.args.id })
        assertEquals(['qa-leads', 'release-managers'], inputs.collect { it.args.submitter })
        assertEquals([86400, 86400], inputs.collect { it.timeouts[0] })
        assertTrue(engineRuns().containsAll(['snapshot staging', 'migrate staging', 'snapshot production', 'validate production']),
                engineRuns().toString())
        assertEquals(['dbpromote-orders-staging', 'dbpromote-orders-production'], calls('lock').collect { it.args[0].toString() })
    }
}
