package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import dev.dbpromote.testing.CliRun
import groovy.json.JsonSlurperClassic
import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The contract between the library and the engine: dbPromotion() reads what the real
 * `dbpromote check --output json` prints for the sample dbpromote.yaml shipped with the library.
 */
class CheckContractTest extends LibraryTestBase {

    @TempDir
    Path repo

    @Test
    void samplePromotesWithWhatTheRealCheckPrints() {
        Files.copy(new File(ROOT, 'resources/dev/dbpromote/sample-dbpromote.yaml').toPath(), repo.resolve('dbpromote.yaml'))
        CliRun.Result check = CliRun.'in'(repo).run('check', '--output', 'json')
        assertEquals(0, check.exitCode(), check.toString())
        results['check'] = new JsonSlurperClassic().parseText(check.out()) as Map
        envVars.BRANCH_NAME = 'main'

        runPipeline(new File(ROOT, 'Jenkinsfile.example').text.replace("@Library('dbpromote@v1') _", ''))

        assertEquals(['promote-staging', 'promote-production'], inputs.collect { it.args.id })
        assertEquals(['qa-leads', 'release-managers'], inputs.collect { it.args.submitter })
        assertEquals([86400, 86400], inputs.collect { it.timeouts[0] })
        assertTrue(engineRuns().containsAll(['snapshot staging', 'migrate staging', 'snapshot production', 'validate production']),
                engineRuns().toString())
        assertEquals(['dbpromote-orders-staging', 'dbpromote-orders-production'], calls('lock').collect { it.args[0].toString() })
    }
}
