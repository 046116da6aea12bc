package dev.dbpromote.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertSame
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** dbPromotion(): stages, gates, locks, credentials for PR and main builds, and the failure paths. */
class DbPromotionTest extends LibraryTestBase {

    static final String DESTROY = 'Dev: Destroy merged PR env'
    static final List<String> DEV = ['Dev: Clone DB', 'Dev: Migrate', 'Dev: Deploy', 'Dev: Validate']
    static final List<String> STAGING = ['Approve staging', 'Staging: Snapshot', 'Staging: Migrate', 'Staging: Deploy', 'Staging: Validate']
    static final List<String> PRODUCTION = ['Approve production', 'Production: Snapshot', 'Production: Migrate', 'Production: Deploy',
                                            'Production: Validate']

    void prBuild() {
        envVars.BRANCH_NAME = 'PR-42'
        envVars.CHANGE_ID = '42'
    }

    void mainBuild() {
        envVars.BRANCH_NAME = 'main'
    }

    @Test
    void prBuildRunsDevAndShowsPromotionAsSkipped() {
        prBuild()
        runPipeline(new File(ROOT, 'Jenkinsfile.example').text.replace("@Library('dbpromote@v1') _", ''))

        assertEquals(['Check', DESTROY] + DEV + STAGING + PRODUCTION, stages())
        assertEquals(['Check'] + DEV, stagesRun())
        assertEquals([DESTROY] + STAGING + PRODUCTION, stagesSkipped())
        assertEquals(['check', 'lint', 'plan', 'clone dev-pr-42', 'migrate dev-pr-42', 'deploy dev-pr-42', 'validate dev-pr-42'], engineRuns())
        assertEquals([], inputs)
        assertEquals(0, calls('milestone').size())
        assertEquals(['dbpromote-orders-dev-pr-42'], calls('lock').collect { it.args[0] })
        assertTrue(calls('echo').any { it.args[0].toString().contains('pull request builds stop after dev; merge to promote') })
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void devWorkRunsInsideItsLockWithTheTimeoutInsideTheLock() {
        prBuild()
        runPipeline('dbPromotion()')

        Map clone = engineCalls('clone dev-pr-42')[0]
        assertEquals(['dbpromote-orders-dev-pr-42'], clone.locks)
        assertEquals([4 * 3600], clone.timeouts)
        assertEquals(['(any)'], clone.nodes)
        List<String> order = helper.callStack.findAll { it.methodName in ['lock', 'timeout', 'node'] }.collect { it.methodName }
        assertEquals(['node', 'lock', 'timeout', 'node'], order, 'Check on a node; then lock, timeout inside it, node inside that')
    }

    @Test
    void devStepsGetDevCredentialsFromConfig() {
        prBuild()
        runPipeline('dbPromotion()')

        Map clone = engineCalls('clone dev-pr-42')[0]
        assertEquals(secretOf('orders-prod-readonly'), clone.env.ORDERS_DB_PASSWORD)
        assertEquals('/tmp/secretFiles/kube-dev', clone.env.KUBECONFIG)
        assertEquals(secretOf('orders-aws-dev'), clone.env.AWS_SECRET_ACCESS_KEY)
        Map check = engineCalls('check')[0]
        assertFalse(check.env.containsKey('ORDERS_DB_PASSWORD'), 'no environment credentials for check')
    }

    @Test
    void mainBuildPromotesThroughBothGates() {
        mainBuild()
        envVars.DBPROMOTE_IMAGE = 'registry/orders@sha256:abc'
        gateAnswers['Promote-staging'] = 'qa-lead-ann'
        gateAnswers['Promote-production'] = [approver: 'rm-bob']
        runPipeline('dbPromotion()')

        assertEquals(['Check'] + STAGING + PRODUCTION, stagesRun())
        assertEquals([DESTROY] + DEV, stagesSkipped())
        assertEquals(['check', 'lint', 'plan',
                      'gate-summary staging', 'env annotate staging', 'snapshot staging', 'migrate staging', 'deploy staging', 'validate staging',
                      'gate-summary production', 'env annotate production', 'snapshot production', 'migrate production', 'deploy production',
                      'validate production'],
                engineRuns())
        assertEquals(2, inputs.size())
        Map staging = inputs[0].args as Map
        assertEquals('Promote-staging', staging.id, 'the id as Jenkins shows it in the REST URL (input capitalises it)')
        assertEquals('qa-leads', staging.submitter)
        assertEquals('approver', staging.submitterParameter)
        assertTrue(staging.message.startsWith('Promote orders to staging? Image: registry/orders@sha256:abc'), staging.message)
        assertTrue(staging.message.contains('Only qa-leads may approve; anyone who can cancel builds can abort.'), staging.message)
        assertEquals('release-managers,alice', inputs[1].args.submitter)
        assertEquals('Promote-production', inputs[1].args.id)
        assertEquals('registry/orders@sha256:abc', engineCalls('deploy production')[0].env.DBPROMOTE_ARG_IMAGE)
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void theGateShowsTheEnginesSummaryOfWhatIsBeingApproved() {
        mainBuild()
        envVars.BUILD_URL = 'https://ci/job/orders/main/12/'
        envVars.DBPROMOTE_IMAGE = 'registry/orders@sha256:abc'
        gateAnswers['Promote-staging'] = 'ann'
        String summary = 'Migrations to run on production (1): V8__orders_index.sql\n  lint warning V8__orders_index.sql:1 table-copy-alter\n' +
                'Image: registry/orders@sha256:abc\nPrevious gate approved by ann'
        results['gate-summary production'] = [success: true, text: summary]
        runPipeline('dbPromotion()')

        Map call = engineCalls('gate-summary production')[0]
        assertTrue(call.script.contains('"$DBPROMOTE_BIN" gate-summary --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV"' +
                ' --image "$DBPROMOTE_ARG_IMAGE" --previous-approver "$DBPROMOTE_ARG_PREVIOUS_APPROVER" --build-url "$DBPROMOTE_ARG_BUILD_URL"'), call.script)
        assertEquals('ann', call.env.DBPROMOTE_ARG_PREVIOUS_APPROVER)
        assertEquals('https://ci/job/orders/main/12/', call.env.DBPROMOTE_ARG_BUILD_URL)
        assertEquals(secretOf('orders-prod-db'), call.env.ORDERS_PROD_DB_PASSWORD, 'it reads the target database with its credentials')
        assertEquals(['(any)'], call.nodes)
        assertEquals([], inputs[1].nodes, 'the agent is released before the gate waits')
        assertEquals('Promote orders to production? Image: registry/orders@sha256:abc\n' + summary +
                '\nOnly release-managers, alice may approve; anyone who can cancel builds can abort.', inputs[1].args.message)
        assertTrue(binding.getVariable('currentBuild').description.contains('Approve production:\n' + summary + '\n'))
        assertTrue(echoed().contains('dbPromotion: only release-managers, alice may approve; anyone who can cancel builds can abort.' +
                ' Approve or abort at https://ci/job/orders/main/12/input/'), echoed().toString())
    }

    @Test
    void aGateSummaryThatCannotBeMadeStillAsks() {
        mainBuild()
        exitCodes['gate-summary staging'] = [2]
        runPipeline('dbPromotion()')

        assertEquals(['Promote-staging', 'Promote-production'], inputs.collect { it.args.id })
        assertTrue(echoed().any { it.startsWith('dbPromotion: the summary for Approve staging could not be made (') }, echoed().toString())
        assertTrue(engineRuns().contains('validate production'))
        // (The test double of `error` marks the build FAILURE when called; Jenkins' does not once the error is caught.)
    }

    @Test
    void gatesWaitOutsideAnyNodeOrLockInsideTheirTimeoutBetweenMilestones() {
        mainBuild()
        runPipeline('dbPromotion()')

        inputs.each { Map input ->
            assertEquals([], input.nodes, 'no executor is held while waiting')
            assertEquals([], input.locks, 'no lock is held while waiting')
            assertEquals([24 * 3600], input.timeouts)
        }
        assertEquals([[ordinal: 10, label: 'Promote-staging: waiting'], [ordinal: 11, label: 'Promote-staging: approved'],
                      [ordinal: 20, label: 'Promote-production: waiting'], [ordinal: 21, label: 'Promote-production: approved']],
                mapArgs('milestone').collect { [ordinal: it.ordinal, label: it.label.toString()] })
        List<String> sequence = helper.callStack.findAll { it.methodName in ['milestone', 'input'] }.collect {
            it.methodName == 'input' ? 'input ' + it.args[0].id : 'milestone ' + it.args[0].ordinal
        }
        assertEquals(['milestone 10', 'input Promote-staging', 'milestone 11', 'milestone 20', 'input Promote-production', 'milestone 21'], sequence)
    }

    @Test
    void eachEnvironmentIsLockedAndTheApproverRecorded() {
        mainBuild()
        gateAnswers['Promote-staging'] = 'ann'
        gateAnswers['Promote-production'] = 'bob'
        runPipeline('dbPromotion()')

        assertEquals(['dbpromote-orders-staging', 'dbpromote-orders-production'], calls('lock').collect { it.args[0].toString() })
        ['snapshot staging', 'migrate staging', 'deploy staging', 'validate staging'].each {
            Map call = engineCalls(it)[0]
            assertEquals(['dbpromote-orders-staging'], call.locks, it)
            assertEquals([4 * 3600], call.timeouts, it)
            assertEquals(['(any)'], call.nodes, it)
        }
        Map annotate = engineCalls('env annotate staging')[0]
        assertTrue(annotate.script.contains('"$DBPROMOTE_BIN" env annotate --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV" --set "$DBPROMOTE_ARG_SET"'),
                annotate.script)
        assertEquals('approvedBy=ann', annotate.env.DBPROMOTE_ARG_SET)
        assertEquals('approvedBy=bob', engineCalls('env annotate production')[0].env.DBPROMOTE_ARG_SET)
        assertTrue(calls('echo').any { it.args[0].toString() == 'dbPromotion: promotion to production approved by bob' })
        assertEquals('staging approved by ann\nproduction approved by bob\n', binding.getVariable('currentBuild').description)
        assertEquals(secretOf('orders-prod-db'), engineCalls('migrate production')[0].env.ORDERS_PROD_DB_PASSWORD)
        assertFalse(engineCalls('migrate production')[0].env.containsKey('ORDERS_STAGING_DB_PASSWORD'))
    }

    @Test
    void rejectedGateAbortsAndNothingAfterItRuns() {
        mainBuild()
        GateInterrupted rejected = GateInterrupted.rejectedBy('bob')
        gateAnswers['Promote-production'] = rejected
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')
        assertSame(rejected, thrown)
        assertEquals('ABORTED', buildResult())
        assertEquals(['gate-summary production', 'env annotate production'], engineRuns().findAll { it.endsWith('production') })
        assertEquals('rejectedBy=bob', engineCalls('env annotate production')[0].env.DBPROMOTE_ARG_SET, 'who rejected is in the record')
        assertTrue(engineRuns().contains('validate staging'))
        assertEquals(PRODUCTION - 'Approve production', stagesSkipped().findAll { it.startsWith('Production') })
        assertEquals([10, 11, 20], mapArgs('milestone').collect { it.ordinal }, 'the milestone after a rejected gate is never passed')
        assertTrue(binding.getVariable('currentBuild').description.contains('production rejected by bob\n'))
        assertTrue(echoed().any { it.contains('bob is not one of the approvers of production (release-managers, alice); Jenkins lets anyone who may cancel builds') },
                echoed().toString())
    }

    @Test
    void rejectionByAnApproverIsNotFlagged() {
        mainBuild()
        gateAnswers['Promote-production'] = GateInterrupted.rejectedBy('alice')
        runPipelineExpectingFailure('dbPromotion()')

        assertTrue(echoed().contains('dbPromotion: production rejected by alice at gate Promote-production.'), echoed().toString())
        assertFalse(echoed().any { it.contains('is not one of the approvers') })
    }

    @Test
    void gateTimeoutFromConfigAbortsAtStaging() {
        mainBuild()
        config.promote = [from: 'main', gateTimeout: '2h30m']
        gateAnswers['Promote-staging'] = new GateInterrupted('Timeout has been exceeded')
        runPipelineExpectingFailure('dbPromotion()')

        assertEquals([9000], inputs[0].timeouts)
        assertEquals('ABORTED', buildResult())
        assertEquals(['check', 'lint', 'plan', 'gate-summary staging'], engineRuns())
        assertEquals(STAGING.drop(1) + PRODUCTION, stagesSkipped().findAll { !it.startsWith('Dev') })
        assertTrue(echoed().any { it.contains('stopped at gate Promote-staging (timed out after 2h30m') }, echoed().toString())
    }

    @Test
    void failedMigrationStopsTheBuildWithTheEnginesProblemAndStillPublishesReports() {
        prBuild()
        exitCodes['migrate dev-pr-42'] = [1]
        results['migrate dev-pr-42'] = [success: false, error: 'Migration failed', problem: 'V7__add_index.sql failed at statement 2 (line 5):' +
                " Duplicate key name 'idx_orders_customer'. Statement 1 stays applied."]
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertEquals("dbMigrate: dbpromote migrate dev-pr-42 found problems (exit 1): V7__add_index.sql failed at statement 2 (line 5):" +
                " Duplicate key name 'idx_orders_customer'. Statement 1 stays applied. See the step's report (JUnit/HTML/JSON under .dbpromote/).",
                thrown.message)
        assertEquals('FAILURE', buildResult())
        assertEquals(['check', 'lint', 'plan', 'clone dev-pr-42', 'migrate dev-pr-42'], engineRuns())
        assertEquals(['Check', 'Dev: Clone DB', 'Dev: Migrate'], stagesRun())
        assertEquals([DESTROY, 'Dev: Deploy', 'Dev: Validate'] + STAGING + PRODUCTION, stagesSkipped())
        assertEquals(['.dbpromote/junit/lint.xml', '.dbpromote/junit/migrate-dev-pr-42.xml'], mapArgs('junit').collect { it.testResults })
        assertEquals(5, calls('archiveArtifacts').size(), 'check, lint, plan, clone and the failed migrate each archived')
        assertTrue(echoed().any { it.contains('the dev environment of PR 42 is kept for inspection') })
        assertFalse(engineRuns().any { it.startsWith('env destroy') })
    }

    @Test
    void promoteFromPrTakesThePrBuildThroughWithTheDeployedDigest() {
        prBuild()
        config.promote = [from: 'pr', gateTimeout: '24h']
        results['deploy dev-pr-42'] = [success: true, image: 'registry/orders@sha256:0f1e']
        runPipeline("dbPromotion(image: 'registry/orders:pr-42')")

        assertEquals(['Check'] + DEV + STAGING + PRODUCTION, stagesRun())
        assertEquals('registry/orders:pr-42', engineCalls('deploy dev-pr-42')[0].env.DBPROMOTE_ARG_IMAGE)
        assertEquals('registry/orders@sha256:0f1e', engineCalls('deploy staging')[0].env.DBPROMOTE_ARG_IMAGE)
        assertEquals('registry/orders@sha256:0f1e', engineCalls('deploy production')[0].env.DBPROMOTE_ARG_IMAGE)
        assertFalse(engineCalls('migrate staging')[0].env.containsKey('DBPROMOTE_ARG_PR'), 'staging is not per PR')
    }

    @Test
    void mainBuildOfAMergedPrDestroysItsDevEnvironment() {
        mainBuild()
        lastCommitMessage = 'Merge pull request #41 from acme/orders-index\n\nAdd the orders index'
        gateAnswers['Promote-staging'] = new GateInterrupted('Rejected by ann')
        runPipelineExpectingFailure('dbPromotion()')

        assertEquals(['check', 'lint', 'plan', 'env destroy dev-pr-41', 'gate-summary staging'], engineRuns())
        Map destroy = engineCalls('env destroy dev-pr-41')[0]
        assertEquals(['dbpromote-orders-dev-pr-41'], destroy.locks)
        assertTrue(stagesRun().contains(DESTROY))
        assertTrue(engineCalls('plan')[0].env.DBPROMOTE_ARG_COMMIT_MESSAGE.startsWith('Merge pull request #41'))
    }

    @Test
    void mergedPrFalseNeverDestroys() {
        mainBuild()
        lastCommitMessage = 'Merge pull request #41 from acme/orders-index'
        runPipeline('dbPromotion(mergedPr: false)')

        assertFalse(engineRuns().any { it.startsWith('env destroy') })
        assertEquals('none', engineCalls('plan')[0].env.DBPROMOTE_ARG_MERGED_PR)
        assertTrue(stagesSkipped().contains(DESTROY))
    }

    @Test
    void featureBranchOnlyChecks() {
        envVars.BRANCH_NAME = 'feature/x'
        runPipeline('dbPromotion()')

        assertEquals(['Check'], stagesRun())
        assertEquals([DESTROY] + DEV + STAGING + PRODUCTION, stagesSkipped())
        assertEquals(['check', 'lint', 'plan'], engineRuns())
        assertTrue(echoed().contains("Skipped: branch 'feature/x' is not one of main, master (mainBranches)"), echoed().toString())
    }

    @Test
    void warnOnlyValidationInStagingIsUnstableAndPromotionGoesOn() {
        mainBuild()
        exitCodes['validate staging'] = [1]
        runPipeline('dbPromotion()')

        assertEquals('UNSTABLE', buildResult())
        assertTrue(engineRuns().contains('validate production'))
    }

    @Test
    void noSnapshotWhenConfigSaysSo() {
        mainBuild()
        config.environments.staging.database.snapshotBefore = false
        runPipeline('dbPromotion()')

        assertTrue(stagesSkipped().contains('Staging: Snapshot'))
        assertFalse(engineRuns().contains('snapshot staging'))
        assertTrue(engineRuns().contains('snapshot production'))
    }

    @Test
    void environmentsAreDrawnAsConfiguredInFileOrder() {
        mainBuild()
        config.environments.remove('staging')
        runPipeline('dbPromotion()')

        assertEquals(['Check', DESTROY] + DEV + PRODUCTION, stages())
        assertEquals(['Promote-production'], inputs.collect { it.args.id })
        assertEquals(10, mapArgs('milestone')[0].ordinal)
    }

    @Test
    void withoutADeploySectionDeployStagesAreSkippedWithTheReason() {
        mainBuild()
        config.remove('deploy')
        runPipeline('dbPromotion()')

        assertEquals(['Dev: Deploy', 'Staging: Deploy', 'Production: Deploy'], stagesSkipped().findAll { it.endsWith('Deploy') })
        assertFalse(engineRuns().any { it.startsWith('deploy') }, engineRuns().toString())
        assertTrue(engineRuns().containsAll(['migrate staging', 'validate staging', 'migrate production']))
        assertEquals(2, echoed().count { it == 'Skipped: this service is not deployed by dbpromote (dbpromote.yaml has no deploy section)' })
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void argumentCredentialsOverrideConfig() {
        prBuild()
        runPipeline("dbPromotion(credentials: [aws: 'shared-aws', dev: [kubeconfig: 'kube-dev-2', passwords: [EXTRA_PASSWORD: 'extra']]])")

        Map env = engineCalls('clone dev-pr-42')[0].env as Map
        assertEquals(secretOf('shared-aws'), env.AWS_SECRET_ACCESS_KEY)
        assertEquals('/tmp/secretFiles/kube-dev-2', env.KUBECONFIG)
        assertEquals(secretOf('orders-prod-readonly'), env.ORDERS_DB_PASSWORD)
        assertEquals(secretOf('extra'), env.EXTRA_PASSWORD)
    }

    @Test
    void secretsNeverReachACommandLineOrTheLog() {
        mainBuild()
        runPipeline('dbPromotion()')

        List<String> logged = shCalls*.script + echoed() + [binding.getVariable('currentBuild').description.toString()] +
                inputs.collect { it.args.message.toString() }
        assertTrue(shCalls.any { it.env.values().any { v -> v.toString().startsWith('S3cr3t-') } }, 'secrets were bound')
        assertTrue(logged.every { !it.contains('S3cr3t-') })
    }

    @Test
    void missingEngineFailsCheckWithInstallInstructions() {
        mainBuild()
        engineInstalled = false
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertTrue(thrown.message.contains('the dbpromote engine was not found on this agent'), thrown.message)
        assertEquals(['Check'], stagesRun())
        assertEquals([], stagesSkipped(), 'without the engine there is no plan to draw')
        assertEquals([], inputs)
    }

    @Test
    void invalidConfigStopsAtCheckWithTheEnginesMessage() {
        prBuild()
        configFile = java.nio.file.Files.createTempFile('dbpromote', '.yaml')
        configFile.text = 'app: orders\nmigration: {locations: [db]}\n'
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertTrue(thrown.message.startsWith('dbPromotion: dbpromote check rejected its input or config (exit 2): '), thrown.message)
        assertTrue(thrown.message.contains("unknown key 'migration' at line 2"), thrown.message)
        assertTrue(thrown.message.endsWith('Nothing was changed; fix the argument or dbpromote.yaml and re-run.'), thrown.message)
        assertEquals(['check'], engineRuns())
    }

    @Test
    void badDurationsAreTheEnginesToReject() {
        mainBuild()
        Throwable thrown = runPipelineExpectingFailure("dbPromotion(gateTimeout: 'tomorrow')")
        assertEquals("dbPromotion: dbpromote plan rejected its input or config (exit 2): --gate-timeout: 'tomorrow' is not a duration;" +
                " write it like 30m, 72h or 7d. Nothing was changed; fix the argument or dbpromote.yaml and re-run.", thrown.message)
        assertEquals(['check', 'lint', 'plan'], engineRuns())
    }

    @Test
    void dryRunReachesEveryEngineCommand() {
        prBuild()
        runPipeline('dbPromotion(dryRun: true)')

        assertEquals(7, shCalls.size())
        assertTrue(shCalls.every { it.script.contains(' --dry-run --output json') }, shCalls*.script.toString())
        assertEquals('.dbpromote/junit/migrate-dev-pr-42-plan.xml', mapArgs('junit').find { it.testResults.contains('migrate') }.testResults)
    }

    @Test
    void unknownArgumentsAndBadValuesAreErrors() {
        Throwable thrown = runPipelineExpectingFailure("dbPromotion(promote: 'pr')")
        assertTrue(thrown.message.startsWith("dbPromotion: unknown argument 'promote'. Valid arguments: config, credentials, dryRun, engine, gateTimeout,"),
                thrown.message)
        assertEquals([], shCalls)

        thrown = runPipelineExpectingFailure("dbPromotion(mergedPr: 'yes')")
        assertTrue(thrown.message.startsWith("dbPromotion: mergedPr 'yes' is not a pull request number"), thrown.message)

        mainBuild()
        thrown = runPipelineExpectingFailure("dbPromotion(credentials: [prod: [aws: 'x']])")
        assertEquals('dbPromotion: credentials for environment prod, which dbpromote.yaml does not define; defined: dev, production, staging.',
                thrown.message)
    }

    @Test
    void imageFromANodeProperty() {
        mainBuild()
        nodeEnv.DBPROMOTE_IMAGE = 'registry/orders@sha256:node'
        runPipeline('dbPromotion()')
        assertEquals('registry/orders@sha256:node', engineCalls('deploy staging')[0].env.DBPROMOTE_ARG_IMAGE, 'a node property is read on the agent')
        assertTrue(inputs[0].args.message.contains('Image: registry/orders@sha256:node'))
    }

    @Test
    void imageFromAGlobalVariable() {
        mainBuild()
        envVars.DBPROMOTE_IMAGE = 'registry/orders@sha256:global'
        runPipeline('dbPromotion()')
        assertEquals('registry/orders@sha256:global', engineCalls('deploy production')[0].env.DBPROMOTE_ARG_IMAGE, 'a global variable too')
    }

    @Test
    void reaperJenkinsfileSchedulesTheReaper() {
        runPipeline(new File(ROOT, 'Jenkinsfile.reaper').text.replace("@Library('dbpromote@v1') _", ''))

        assertEquals([cron: 'H * * * *'], (calls('properties')[0].args[0] as List)[0].triggers[0])
        assertEquals(['check', 'env reap'], engineRuns())
        assertNull(inputs[0])
        Map reap = engineCalls('env reap')[0]
        assertEquals(secretOf('orders-prod-readonly'), reap.env.ORDERS_DB_PASSWORD, 'the per-PR environments\' credentials from dbpromote.yaml')
        assertEquals('/tmp/secretFiles/kube-dev', reap.env.KUBECONFIG)
        assertFalse(reap.env.containsKey('ORDERS_PROD_DB_PASSWORD'), 'never production\'s')
    }

    static final List<String> BLUE_GREEN = ['Approve production', 'Production: Create green', 'Production: Migrate green',
                                            'Production: Validate green', 'Approve switchover', 'Production: Switchover', 'Production: Deploy']

    void blueGreenProduction() {
        mainBuild()
        config.environments.production.database = [strategy: 'blue-green', rds: [instance: 'orders-prod', region: 'us-west-2'],
                                                   passwordEnv: 'ORDERS_PROD_DB_PASSWORD']
    }

    @Test
    void blueGreenProductionMigratesGreenAndSwitchesOverAfterItsOwnGate() {
        blueGreenProduction()
        gateAnswers['Promote-production'] = 'rm-bob'
        gateAnswers['Switchover-production'] = 'rm-carol'
        runPipeline('dbPromotion()')

        assertEquals(['Check', DESTROY] + DEV + STAGING + BLUE_GREEN, stages())
        assertEquals(['Check'] + STAGING + BLUE_GREEN, stagesRun())
        assertEquals(['gate-summary production', 'env annotate production', 'bluegreen create production', 'migrate production', 'validate production',
                      'env annotate production', 'bluegreen switchover production', 'deploy production'],
                engineRuns().findAll { it.endsWith('production') })
        assertTrue(engineCalls('bluegreen create production')[0].script.contains(
                '"$DBPROMOTE_BIN" bluegreen create --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV" --output json'))
        assertEquals(['Promote-staging', 'Promote-production', 'Switchover-production'], inputs.collect { it.args.id })
        Map switchover = inputs[2]
        assertEquals('release-managers,alice', switchover.args.submitter)
        assertEquals([], switchover.nodes, 'no executor is held while the switchover waits')
        assertEquals(['dbpromote-orders-production'], switchover.locks, 'green stays this build\'s while the switchover waits')
        assertTrue(switchover.args.message.startsWith('Switch orders production over to green?'), switchover.args.message)
        assertEquals([10, 11, 20, 21, 25, 26], mapArgs('milestone').collect { it.ordinal })
        assertEquals(['approvedBy=rm-bob', 'switchoverApprovedBy=rm-carol'], engineCalls('env annotate production').collect { it.env.DBPROMOTE_ARG_SET })
        assertEquals(secretOf('orders-prod-db'), engineCalls('bluegreen switchover production')[0].env.ORDERS_PROD_DB_PASSWORD)
        assertTrue(binding.getVariable('currentBuild').description.contains('production switchover approved by rm-carol\n'))
        assertFalse(engineRuns().contains('bluegreen delete production'))
        assertEquals('SUCCESS', buildResult())
    }

    @Test
    void rejectedSwitchoverDeletesGreenAndAborts() {
        blueGreenProduction()
        GateInterrupted rejected = GateInterrupted.rejectedBy('alice')
        gateAnswers['Switchover-production'] = rejected
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertSame(rejected, thrown)
        assertEquals('ABORTED', buildResult())
        assertEquals(['gate-summary production', 'env annotate production', 'bluegreen create production', 'migrate production', 'validate production',
                      'env annotate production', 'bluegreen delete production'], engineRuns().findAll { it.endsWith('production') })
        Map delete = engineCalls('bluegreen delete production')[0]
        assertEquals(['dbpromote-orders-production'], delete.locks, 'green is deleted before the lock is released')
        assertEquals(['(any)'], delete.nodes)
        assertEquals(['Production: Switchover', 'Production: Deploy'], stagesSkipped().findAll { it.startsWith('Production') })
        assertTrue(binding.getVariable('currentBuild').description.contains('production switchover rejected by alice\n'))
        assertFalse(engineRuns().contains('bluegreen switchover production'))
    }

    @Test
    void failedGreenValidationDeletesGreenAndFailsTheBuild() {
        blueGreenProduction()
        exitCodes['validate production'] = [1]
        results['validate production'] = [success: false, warnOnly: false, problem: '1 of 12 expectations failed on orders (green):' +
                ' orders.total expect_column_values_to_be_between: 3 rows below 0.']
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertTrue(thrown.message.startsWith('dataValidate: dbpromote validate production found problems (exit 1): 1 of 12 expectations failed'),
                thrown.message)
        assertEquals('FAILURE', buildResult())
        assertEquals(['gate-summary production', 'env annotate production', 'bluegreen create production', 'migrate production', 'validate production',
                      'bluegreen delete production'], engineRuns().findAll { it.endsWith('production') })
        assertEquals([], inputs.findAll { it.args.id == 'Switchover-production' }, 'no switchover gate after a failed validation')
        assertEquals(['Approve switchover', 'Production: Switchover', 'Production: Deploy'], stagesSkipped().findAll { it in BLUE_GREEN })
        assertTrue(echoed().any { it.contains('Production: Validate green did not complete; running bluegreen-delete for production') })
    }

    @Test
    void failedGreenMigrationDeletesGreen() {
        blueGreenProduction()
        exitCodes['migrate production'] = [1]
        runPipelineExpectingFailure('dbPromotion()')
        assertEquals(['bluegreen create production', 'migrate production', 'bluegreen delete production'],
                engineRuns().findAll { it.endsWith('production') && !it.startsWith('env') && !it.startsWith('gate') })
    }

    @Test
    void aFailedCreateDeletesNothing() {
        blueGreenProduction()
        exitCodes['bluegreen create production'] = [2]
        runPipelineExpectingFailure('dbPromotion()')
        assertEquals(['bluegreen create production'], engineRuns().findAll { it.endsWith('production') && !it.startsWith('env') && !it.startsWith('gate') },
                'a refused create may have met another build\'s green: it is never deleted')
    }

    List<String> echoed() {
        return calls('echo').collect { it.args[0].toString() }
    }
}
