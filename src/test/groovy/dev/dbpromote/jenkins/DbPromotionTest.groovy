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

    static final List<String> DEV = ['Dev: Clone DB', 'Dev: Migrate', 'Dev: Deploy', 'Dev: Validate']
    static final List<String> STAGING = ['Approve staging', 'Staging: Snapshot', 'Staging: Migrate', 'Staging: Deploy', 'Staging: Validate']
    static final List<String> PRODUCTION = ['Approve production', 'Production: Snapshot', 'Production: Migrate', 'Production: Deploy',
                                            'Production: Validate']

    @BeforeEach
    void engineAnswersCheck() {
        results['check'] = checkJson()
    }

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

        assertEquals(['Check'] + DEV + STAGING + PRODUCTION, stages())
        assertEquals(['Check'] + DEV, stagesRun())
        assertEquals(STAGING + PRODUCTION, stagesSkipped())
        assertEquals(['check', 'lint', 'clone dev-pr-42', 'migrate dev-pr-42', 'deploy dev-pr-42', 'validate dev-pr-42'], engineRuns())
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
        gateAnswers['promote-staging'] = 'qa-lead-ann'
        gateAnswers['promote-production'] = [approver: 'rm-bob']
        runPipeline('dbPromotion()')

        assertEquals(['Check'] + STAGING + PRODUCTION, stagesRun())
        assertEquals(DEV, stagesSkipped())
        assertEquals(['check', 'lint',
                      'env annotate staging', 'snapshot staging', 'migrate staging', 'deploy staging', 'validate staging',
                      'env annotate production', 'snapshot production', 'migrate production', 'deploy production', 'validate production'],
                engineRuns())
        assertEquals(2, inputs.size())
        Map staging = inputs[0].args as Map
        assertEquals('promote-staging', staging.id)
        assertEquals('qa-leads', staging.submitter)
        assertEquals('approver', staging.submitterParameter)
        assertEquals('Promote orders to staging? Image: registry/orders@sha256:abc', staging.message)
        assertEquals('release-managers,alice', inputs[1].args.submitter)
        assertEquals('promote-production', inputs[1].args.id)
        assertEquals('registry/orders@sha256:abc', engineCalls('deploy production')[0].env.DBPROMOTE_ARG_IMAGE)
        assertEquals('SUCCESS', buildResult())
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
        assertEquals([[ordinal: 10, label: 'promote-staging: waiting'], [ordinal: 11, label: 'promote-staging: approved'],
                      [ordinal: 20, label: 'promote-production: waiting'], [ordinal: 21, label: 'promote-production: approved']],
                mapArgs('milestone').collect { [ordinal: it.ordinal, label: it.label.toString()] })
        List<String> sequence = helper.callStack.findAll { it.methodName in ['milestone', 'input'] }.collect {
            it.methodName == 'input' ? 'input ' + it.args[0].id : 'milestone ' + it.args[0].ordinal
        }
        assertEquals(['milestone 10', 'input promote-staging', 'milestone 11', 'milestone 20', 'input promote-production', 'milestone 21'], sequence)
    }

    @Test
    void eachEnvironmentIsLockedAndTheApproverRecorded() {
        mainBuild()
        gateAnswers['promote-staging'] = 'ann'
        gateAnswers['promote-production'] = 'bob'
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
        GateInterrupted rejected = new GateInterrupted('Rejected by bob')
        gateAnswers['promote-production'] = rejected
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertSame(rejected, thrown)
        assertEquals('ABORTED', buildResult())
        assertTrue(engineRuns().every { !it.endsWith('production') }, engineRuns().toString())
        assertTrue(engineRuns().contains('validate staging'))
        assertEquals(PRODUCTION - 'Approve production', stagesSkipped().findAll { it.startsWith('Production') })
        assertEquals([10, 11, 20], mapArgs('milestone').collect { it.ordinal }, 'the milestone after a rejected gate is never passed')
    }

    @Test
    void gateTimeoutFromConfigAbortsAtStaging() {
        mainBuild()
        results['check'] = checkJson(promote: [from: 'main', gateTimeout: '2h30m'])
        gateAnswers['promote-staging'] = new GateInterrupted('Timeout has been exceeded')
        runPipelineExpectingFailure('dbPromotion()')

        assertEquals([9000], inputs[0].timeouts)
        assertEquals('ABORTED', buildResult())
        assertEquals(['check', 'lint'], engineRuns())
        assertEquals(STAGING.drop(1) + PRODUCTION, stagesSkipped().findAll { !it.startsWith('Dev') })
    }

    @Test
    void failedMigrationStopsTheBuildAndStillPublishesReports() {
        prBuild()
        exitCodes['migrate dev-pr-42'] = [1]
        results['migrate dev-pr-42'] = [success: false, error: 'V7__add_index.sql failed at statement 2']
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertTrue(thrown.message.startsWith('dbMigrate: dbpromote migrate dev-pr-42 found problems (exit 1): V7__add_index.sql failed at statement 2'),
                thrown.message)
        assertEquals('FAILURE', buildResult())
        assertEquals(['check', 'lint', 'clone dev-pr-42', 'migrate dev-pr-42'], engineRuns())
        assertEquals(['Check', 'Dev: Clone DB', 'Dev: Migrate'], stagesRun())
        assertEquals(['Dev: Deploy', 'Dev: Validate'] + STAGING + PRODUCTION, stagesSkipped())
        assertTrue(mapArgs('junit').any { it.testResults == '.dbpromote/junit/migrate-dev-pr-42.xml' })
        assertEquals(4, calls('archiveArtifacts').size(), 'check, lint, clone and the failed migrate each archived')
        assertTrue(calls('echo').any { it.args[0].toString().contains('the dev environment of PR 42 is kept for inspection') })
        assertFalse(engineRuns().any { it.startsWith('env destroy') })
    }

    @Test
    void promoteFromPrTakesThePrBuildThroughWithTheDeployedDigest() {
        prBuild()
        results['check'] = checkJson(promote: [from: 'pr', gateTimeout: '24h'])
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
        gateAnswers['promote-staging'] = new GateInterrupted('Rejected by ann')
        runPipelineExpectingFailure('dbPromotion()')

        assertEquals(['check', 'lint', 'env destroy dev-pr-41'], engineRuns())
        Map destroy = engineCalls('env destroy dev-pr-41')[0]
        assertEquals(['dbpromote-orders-dev-pr-41'], destroy.locks)
        assertTrue(stagesRun().contains('Dev: Destroy merged PR env'))
    }

    @Test
    void mergedPrNumbersFromCommonHosts() {
        runPipeline('''
            assert dbPromotion.mergedPullRequest('Merge pull request #12 from a/b') == '12'
            assert dbPromotion.mergedPullRequest('Add index (#345)') == '345'
            assert dbPromotion.mergedPullRequest('Add index\\n\\nSee merge request group/orders!67') == '67'
            assert dbPromotion.mergedPullRequest('Merged in feature/x (pull request #8)') == '8'
            assert dbPromotion.mergedPullRequest('Fix the index') == null
            assert dbPromotion.seconds('1h30m') == 5400
            assert dbPromotion.seconds('24h') == 86400
            assert dbPromotion.seconds('soon') == null
        ''')
    }

    @Test
    void featureBranchOnlyChecks() {
        envVars.BRANCH_NAME = 'feature/x'
        runPipeline('dbPromotion()')

        assertEquals(['Check'], stagesRun())
        assertEquals(DEV + STAGING + PRODUCTION, stagesSkipped())
        assertEquals(['check', 'lint'], engineRuns())
        assertTrue(calls('echo').any { it.args[0].toString() == "Skipped: branch 'feature/x' is not one of main, master (mainBranches)" })
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
    void readsTheOneLineEnvironmentsOfTodaysCheckCommand() {
        mainBuild()
        results['check'] = [success     : true, config: 'dbpromote.yaml', app: 'orders', source: 'rds',
                            environments: [dev       : 'clone, ttl 72h', staging: 'in-place, approvers qa-leads',
                                           production: 'in-place, protected, approvers release-managers,alice']]
        runPipeline('dbPromotion()')

        assertEquals(['qa-leads', 'release-managers,alice'], inputs.collect { it.args.submitter })
        assertEquals([86400, 86400], inputs.collect { it.timeouts[0] })
        assertTrue(engineRuns().contains('snapshot production'), 'in-place snapshots when check does not say snapshotBefore')
    }

    @Test
    void noSnapshotWhenConfigSaysSo() {
        mainBuild()
        Map json = checkJson()
        json.environments.staging.snapshotBefore = false
        results['check'] = json
        runPipeline('dbPromotion()')

        assertTrue(stagesSkipped().contains('Staging: Snapshot'))
        assertFalse(engineRuns().contains('snapshot staging'))
        assertTrue(engineRuns().contains('snapshot production'))
    }

    @Test
    void environmentMissingFromConfigIsSkipped() {
        mainBuild()
        Map json = checkJson()
        json.environments.remove('staging')
        results['check'] = json
        runPipeline('dbPromotion()')

        assertEquals(STAGING + DEV.findAll { false }, stagesSkipped().findAll { it in STAGING })
        assertEquals(['promote-production'], inputs.collect { it.args.id })
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

        List<String> logged = shCalls*.script + calls('echo').collect { it.args[0].toString() } +
                [binding.getVariable('currentBuild').description.toString()]
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
        assertEquals(DEV + STAGING + PRODUCTION, stagesSkipped())
        assertEquals([], inputs)
    }

    @Test
    void invalidConfigStopsAtCheckWithTheEnginesMessage() {
        prBuild()
        exitCodes['check'] = [2]
        results['check'] = [success: false, exitCode: 2, error: "dbpromote.yaml: unknown key 'migration' at line 4; did you mean 'migrations'?"]
        Throwable thrown = runPipelineExpectingFailure('dbPromotion()')

        assertEquals("dbPromotion: dbpromote check rejected its input or config (exit 2): dbpromote.yaml: unknown key 'migration' at line 4;" +
                " did you mean 'migrations'?. Nothing was changed; fix the argument or dbpromote.yaml and re-run.", thrown.message)
        assertEquals(['check'], engineRuns())
        assertEquals(DEV + STAGING + PRODUCTION, stagesSkipped())
    }

    @Test
    void dryRunReachesEveryEngineCommand() {
        prBuild()
        runPipeline('dbPromotion(dryRun: true)')

        assertEquals(6, shCalls.size())
        assertTrue(shCalls.every { it.script.contains(' --dry-run --output json') }, shCalls*.script.toString())
    }

    @Test
    void unknownArgumentsAndBadValuesAreErrors() {
        Throwable thrown = runPipelineExpectingFailure("dbPromotion(promote: 'pr')")
        assertTrue(thrown.message.startsWith("dbPromotion: unknown argument 'promote'. Valid arguments: config, credentials, dryRun, engine, gateTimeout,"),
                thrown.message)
        assertEquals([], shCalls)

        thrown = runPipelineExpectingFailure("dbPromotion(gateTimeout: 'tomorrow')")
        assertEquals("dbPromotion: gateTimeout 'tomorrow' is not a duration; write it like 30m, 24h or 1h30m.", thrown.message)

        mainBuild()
        thrown = runPipelineExpectingFailure("dbPromotion(credentials: [prod: [aws: 'x']])")
        assertEquals('dbPromotion: credentials for environment prod, which dbpromote.yaml does not define; defined: dev, production, staging.',
                thrown.message)
    }

    @Test
    void reaperJenkinsfileSchedulesTheReaper() {
        runPipeline(new File(ROOT, 'Jenkinsfile.reaper').text.replace("@Library('dbpromote@v1') _", ''))

        assertEquals([cron: 'H * * * *'], (calls('properties')[0].args[0] as List)[0].triggers[0])
        assertEquals(['env reap'], engineRuns())
        assertNull(inputs[0])
    }
}
