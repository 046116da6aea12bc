// dbPromotion: the promotion every repository runs, identical everywhere:
//
//     @Library('dbpromote@v1') _
//     dbPromotion()
//
// Check -> Dev (the PR's clone, migrate, deploy, validate) -> Approve staging -> Staging -> Approve
// production -> Production. What differs per repository is in dbpromote.yaml, read through
// `dbpromote check --output json`. Scripted on purpose: gates must sit outside `node` (no executor is
// held while a person decides) and each environment inside its own `lock`, which a scripted pipeline
// says plainly; stages that do not apply to a build are still drawn, marked skipped.

Map call(Map args = [:]) {
    Map defaults = [config: 'dbpromote.yaml', engine: null, credentials: [:], dryRun: false, label: null, image: null,
                    pr: env.CHANGE_ID, promoteFrom: null, gateTimeout: null, timeout: '4h',
                    mainBranches: ['main', 'master'], mergedPr: null]
    Map a = dbpromoteEngine.arguments('dbPromotion', defaults, args)
    String problem = argumentProblem(a)
    if (problem) {
        error("dbPromotion: ${problem}")
    }
    Map state = [visited: [], plan: null, image: (a.image ?: env.DBPROMOTE_IMAGE) ?: null]
    try {
        promote(a, state)
    } catch (err) {
        // Whatever stopped the build (a failed step, a rejected gate), the stages after it are drawn
        // as skipped so every build of the job shows the same stage list.
        skipRemaining(state, "not run: an earlier stage did not complete (${err.getClass().getSimpleName()})")
        throw err
    }
    return [plan: state.plan, image: state.image]
}

void promote(Map a, Map state) {
    Map check = [:]
    String commitMessage = ''
    onAgent(a.label) {
        checkout scm
        runStage(state, 'Check') {
            Map engineArgs = stepArgs(a, credentialsFor(a.credentials as Map, [:], null))
            check = dbpromoteEngine.run(step: 'dbPromotion', command: ['check'], args: engineArgs, options: [:], envKey: null).result
            dbpromoteEngine.run(step: 'dbPromotion', command: ['lint'], args: engineArgs, options: [:], envKey: null)
            if (a.mergedPr == null && !a.pr && (env.BRANCH_NAME in a.mainBranches)) {
                commitMessage = sh(script: 'git log -1 --format=%B 2>/dev/null || true', returnStdout: true, label: 'last commit message')
            }
        }
    }
    String invalid = planProblem(check, a)
    if (invalid) {
        error("dbPromotion: ${invalid}")
    }
    Map plan = computePlan(check, a, env.BRANCH_NAME as String, commitMessage)
    state.plan = plan
    echo "dbPromotion: ${plan.summary}"

    if (plan.mergedPr) {
        destroyMergedPrEnvironment(a, plan, state)
    }
    if (plan.runDev) {
        deployDev(a, plan, state)
    } else {
        skipStages(state, ['Dev: Clone DB', 'Dev: Migrate', 'Dev: Deploy', 'Dev: Validate'], plan.devSkipReason as String)
    }
    List targets = ['staging', 'production']
    for (int i = 0; i < targets.size(); i++) {
        String target = targets[i]
        Map e = plan.envs[target] as Map
        String why = !plan.promote ? plan.promoteSkipReason : (e == null ? "no '${target}' environment in dbpromote.yaml" : null)
        if (why) {
            skipStages(state, ["Approve ${target}".toString()] + envStages(target), why)
            continue
        }
        String approver = approve(target, plan, state, 10 * (i + 1))
        deployTo(target, approver, a, plan, state)
    }
}

/** The PR's environment in dev: per PR, locked per PR, kept for inspection when something fails. */
void deployDev(Map a, Map plan, Map state) {
    Map e = plan.envs.dev as Map
    String pr = plan.pr as String
    Map common = stepArgs(a, e.credentials as Map)
    String lockName = "dbpromote-${plan.app}-dev-pr-${pr}"
    lock(lockName) {
        timeout(time: plan.timeoutSeconds, unit: 'SECONDS') {
            onAgent(a.label) {
                checkout scm
                try {
                    runStage(state, 'Dev: Clone DB') {
                        rdsClone(common + [env: 'dev', pr: pr])
                    }
                    runStage(state, 'Dev: Migrate') {
                        dbMigrate(common + [env: 'dev', pr: pr])
                    }
                    runStage(state, 'Dev: Deploy') {
                        Map deployed = k8sDeploy(common + [env: 'dev', pr: pr, image: state.image])
                        state.image = deployedImage(deployed, state.image as String)
                    }
                    runStage(state, 'Dev: Validate') {
                        dataValidate(common + [env: 'dev', pr: pr, warnOnly: e.warnOnly])
                    }
                } catch (err) {
                    echo("dbPromotion: the dev environment of PR ${pr} is kept for inspection until its TTL" +
                            " (dbpromote env show --env dev --pr ${pr}); the reaper deletes it after that.")
                    throw err
                }
            }
        }
    }
}

/** One approval gate, outside any node: milestone, input in a timeout, milestone. Returns the approver. */
String approve(String target, Map plan, Map state, int ordinal) {
    String id = "promote-${target}"
    Map e = plan.envs[target] as Map
    Object answer = null
    try {
        runStage(state, "Approve ${target}") {
            milestone(ordinal: ordinal, label: "${id}: waiting")
            Map request = [id: id, message: gateMessage(plan, target, state.image as String), ok: "Promote to ${target}",
                           submitterParameter: 'approver']
            if (e.approvers) {
                request.submitter = (e.approvers as List).join(',')
            } else {
                echo "dbPromotion: no approvers configured for ${target} (environments.${target}.approvers): anyone allowed to build this job can approve."
            }
            timeout(time: plan.gateSeconds, unit: 'SECONDS') {
                answer = input(request)
            }
            milestone(ordinal: ordinal + 1, label: "${id}: approved")
        }
    } catch (err) {
        // Rejected, timed out, or superseded by a newer approved build: the build is aborted, not failed.
        currentBuild.result = 'ABORTED'
        echo "dbPromotion: promotion to ${target} stopped at gate ${id} (rejected, timed out after ${plan.gateTimeout}, or superseded by a newer build)."
        throw err
    }
    String approver = (answer instanceof Map ? answer.approver : answer) ?: 'unknown'
    echo "dbPromotion: promotion to ${target} approved by ${approver}"
    return approver
}

/** staging / production: locked per environment, the timeout inside the lock, the approver recorded first. */
void deployTo(String target, String approver, Map a, Map plan, Map state) {
    Map e = plan.envs[target] as Map
    Map common = stepArgs(a, e.credentials as Map)
    String title = target.substring(0, 1).toUpperCase() + target.substring(1)
    String lockName = "dbpromote-${plan.app}-${target}"
    lock(lockName) {
        timeout(time: plan.timeoutSeconds, unit: 'SECONDS') {
            onAgent(a.label) {
                checkout scm
                currentBuild.description = ((currentBuild.description ?: '') + "${target} approved by ${approver}\n").toString()
                dbpromoteEngine.run(step: 'dbPromotion', command: ['env', 'annotate'], args: common,
                        options: [env: target, set: "approvedBy=${approver}".toString()], envKey: target, retries: 2, publish: false)
                if (e.snapshot) {
                    runStage(state, "${title}: Snapshot") {
                        dbSnapshot(common + [env: target])
                    }
                } else {
                    skipStages(state, ["${title}: Snapshot".toString()], e.snapshotSkipReason as String)
                }
                runStage(state, "${title}: Migrate") {
                    dbMigrate(common + [env: target, pr: null])
                }
                runStage(state, "${title}: Deploy") {
                    Map deployed = k8sDeploy(common + [env: target, pr: null, image: state.image])
                    state.image = deployedImage(deployed, state.image as String)
                }
                runStage(state, "${title}: Validate") {
                    dataValidate(common + [env: target, pr: null, warnOnly: e.warnOnly])
                }
            }
        }
    }
}

/** On a main-branch build of a merged PR: that PR's dev environment is no longer needed. */
void destroyMergedPrEnvironment(Map a, Map plan, Map state) {
    String pr = plan.mergedPr as String
    String lockName = "dbpromote-${plan.app}-dev-pr-${pr}"
    lock(lockName) {
        onAgent(a.label) {
            checkout scm
            runStage(state, 'Dev: Destroy merged PR env') {
                echo "dbPromotion: PR ${pr} is merged; destroying its dev environment."
                dbEnvDestroy(stepArgs(a, plan.envs.dev.credentials as Map) + [env: 'dev', pr: pr])
            }
        }
    }
}

void onAgent(Object label, Closure body) {
    if (label) {
        node(label as String, body)
    } else {
        node(body)
    }
}

void runStage(Map state, String name, Closure body) {
    state.visited << name
    stage(name, body)
}

void skipStages(Map state, List names, String reason) {
    for (int i = 0; i < names.size(); i++) {
        String name = names[i]
        state.visited << name
        stage(name) {
            echo "Skipped: ${reason}"
            markSkipped(name)
        }
    }
}

void skipRemaining(Map state, String reason) {
    skipStages(state, notVisited(state.visited as List), reason)
}

@NonCPS
List notVisited(List visited) {
    return allStages().findAll { !(it in visited) }
}

/** Blue Ocean / Pipeline Graph View draw a stage as skipped through Declarative's Utils; optional. */
@NonCPS
boolean markSkipped(String stageName) {
    List loaders = [this.class.classLoader, Thread.currentThread().contextClassLoader]
    for (ClassLoader loader : loaders) {
        try {
            Class utils = Class.forName('org.jenkinsci.plugins.pipeline.modeldefinition.Utils', true, loader)
            utils.getMethod('markStageSkippedForConditional', String).invoke(null, stageName)
            return true
        } catch (Exception ignored) {
            // not installed (Pipeline: Declarative); the stage is then drawn as run, its log says skipped
        } catch (LinkageError ignored) {
            // ditto
        }
    }
    return false
}

@NonCPS
List allStages() {
    return ['Check', 'Dev: Clone DB', 'Dev: Migrate', 'Dev: Deploy', 'Dev: Validate'] +
            ['Approve staging'] + envStages('staging') + ['Approve production'] + envStages('production')
}

@NonCPS
List envStages(String target) {
    String title = target.substring(0, 1).toUpperCase() + target.substring(1)
    return ['Snapshot', 'Migrate', 'Deploy', 'Validate'].collect { "${title}: ${it}".toString() }
}

@NonCPS
Map stepArgs(Map a, Map credentials) {
    return [config: a.config, engine: a.engine, credentials: credentials ?: [:], dryRun: a.dryRun]
}

@NonCPS
String gateMessage(Map plan, String target, String image) {
    return "Promote ${plan.app} to ${target}?" + (image ? " Image: ${image}" : '')
}

/** The image later environments get: the digest the engine deployed when it reports one. */
@NonCPS
String deployedImage(Map deployed, String current) {
    Object image = deployed?.image
    return image && image.toString().contains('@') ? image.toString() : current
}

@NonCPS
String argumentProblem(Map a) {
    if (a.promoteFrom != null && !(a.promoteFrom in ['main', 'pr'])) {
        return "promoteFrom '${a.promoteFrom}' is not one of main, pr (or leave it out to use promote.from of dbpromote.yaml)."
    }
    for (String key : ['gateTimeout', 'timeout']) {
        if (a[key] != null && seconds(a[key].toString()) == null) {
            return "${key} '${a[key]}' is not a duration; write it like 30m, 24h or 1h30m."
        }
    }
    if (!(a.mainBranches instanceof List)) {
        return "mainBranches must be a list of branch names, e.g. mainBranches: ['main']."
    }
    if (a.mergedPr != null && a.mergedPr != false && !(a.mergedPr.toString() ==~ /[0-9]+/)) {
        return "mergedPr '${a.mergedPr}' is not a pull request number; pass the number, false to never destroy, or leave it out to read it from the merge commit."
    }
    Map credentials = (a.credentials ?: [:]) as Map
    for (Object key : credentials.keySet()) {
        if (!(key in ['aws', 'kubeconfig', 'passwords']) && !(credentials[key] instanceof Map)) {
            return "credentials: '${key}' is neither aws, kubeconfig, passwords nor an environment name with a map of those."
        }
    }
    return null
}

@NonCPS
String planProblem(Map check, Map a) {
    if (!check?.app) {
        return "'dbpromote check --output json' gave no app; is the engine older than this library? Update the engine on the agent."
    }
    Map envs = environments(check)
    Map credentials = (a.credentials ?: [:]) as Map
    List unknownEnvs = credentials.keySet().findAll { credentials[it] instanceof Map && it != 'passwords' && !envs.containsKey(it) }.collect { it.toString() }
    if (unknownEnvs) {
        return "credentials for environment${unknownEnvs.size() > 1 ? 's' : ''} ${unknownEnvs.join(', ')}, which dbpromote.yaml does not define;" +
                " defined: ${envs.keySet().sort().join(', ')}."
    }
    return null
}

/** Everything dbPromotion decides from check's JSON, the arguments and the branch; pure, so it is easy to test. */
@NonCPS
Map computePlan(Map check, Map a, String branch, String commitMessage) {
    Map promoteCfg = (check.promote instanceof Map ? check.promote : [:]) as Map
    String from = (a.promoteFrom ?: promoteCfg.from ?: 'main').toString()
    String gateTimeout = (a.gateTimeout ?: promoteCfg.gateTimeout ?: '24h').toString()
    String pr = a.pr ? a.pr.toString() : null
    boolean isMain = pr == null && branch in (a.mainBranches as List)
    boolean promote = from == 'pr' ? pr != null : isMain

    Map envs = [:]
    environments(check).each { String name, Map e ->
        Map resolved = new LinkedHashMap(e)
        resolved.credentials = credentialsFor(a.credentials as Map, (e.credentials ?: [:]) as Map, name)
        boolean inPlace = e.strategy == 'in-place'
        boolean wanted = e.containsKey('snapshotBefore') ? e.snapshotBefore as boolean : inPlace
        resolved.snapshot = inPlace && wanted
        resolved.snapshotSkipReason = !inPlace ? "database strategy is ${e.strategy ?: 'unknown'}, not in-place" : 'snapshotBefore is false'
        envs[name] = resolved
    }

    String mergedPr = null
    if (isMain && envs.dev?.strategy == 'clone' && a.mergedPr != false) {
        mergedPr = a.mergedPr != null ? a.mergedPr.toString() : mergedPullRequest(commitMessage)
    }
    String devSkipReason = pr == null ? 'not a pull request build; dev environments are per pull request'
            : "no 'dev' environment in dbpromote.yaml"
    String promoteSkipReason = from == 'pr'
            ? (pr == null ? 'promote.from is pr: pull request builds promote, this build is not one' : null)
            : (pr != null ? 'promote.from is main: pull request builds stop after dev; merge to promote'
            : "branch '${branch}' is not one of ${(a.mainBranches as List).join(', ')} (mainBranches)".toString())
    Map plan = [app     : check.app.toString(), pr: pr, from: from, promote: promote, gateTimeout: gateTimeout,
                gateSeconds: seconds(gateTimeout), timeoutSeconds: seconds(a.timeout.toString()), envs: envs,
                runDev: pr != null && envs.dev != null, devSkipReason: devSkipReason,
                promoteSkipReason: promoteSkipReason, mergedPr: mergedPr]
    plan.summary = "app ${plan.app}, ${pr ? "PR ${pr}" : "branch ${branch}"}, promote.from ${from}: " +
            (plan.runDev ? 'dev' : 'no dev') + (promote ? ', then staging and production behind approval gates' : ', no promotion') +
            (mergedPr ? ", destroys merged PR ${mergedPr}'s dev environment" : '')
    return plan
}

/**
 * check's environments as maps. The requested shape is environments.NAME = {strategy, protected, approvers,
 * namespace, snapshotBefore, warnOnly, credentials}; engines that print a one-line description per
 * environment ("in-place, protected, approvers release-managers") are read too.
 */
@NonCPS
Map environments(Map check) {
    Map out = [:]
    ((check?.environments ?: [:]) as Map).each { name, value ->
        if (value instanceof Map) {
            out[name.toString()] = new LinkedHashMap(value)
        } else {
            // "<strategy>[, ttl 72h][, protected][, approvers a,b]": approvers come last and hold commas themselves.
            String text = value.toString()
            def approvers = text =~ /approvers (.+)$/
            List parts = text.replaceAll(/,?\s*approvers .+$/, '').split(',').collect { it.trim() }
            out[name.toString()] = [strategy : parts ? parts[0] : null, protected: 'protected' in parts,
                                    approvers: approvers.find() ? approvers.group(1).split(',').collect { it.trim() }.findAll { it } : []]
        }
    }
    return out
}

/** Credential ids for one environment: dbpromote.yaml's, then the arguments' defaults, then the arguments' for that environment. */
@NonCPS
Map credentialsFor(Map args, Map fromConfig, String envName) {
    Map result = [:]
    List layers = [fromConfig ?: [:], (args ?: [:]).findAll { k, v -> k in ['aws', 'kubeconfig', 'passwords'] }]
    if (envName && args?.get(envName) instanceof Map) {
        layers << args[envName]
    }
    layers.each { Map layer ->
        layer.each { k, v ->
            if (k == 'passwords') {
                result.passwords = ((result.passwords ?: [:]) as Map) + ((v ?: [:]) as Map)
            } else {
                result[k] = v
            }
        }
    }
    return result
}

/** The PR number a merge commit names: GitHub merge and squash, GitLab, Bitbucket; null if none. */
@NonCPS
String mergedPullRequest(String message) {
    def m = (message ?: '') =~ /(?:Merge pull request #|\(pull request #|merge request \S*!|\(#)([0-9]+)/
    return m.find() ? m.group(1) : null
}

/** 90s, 30m, 24h, 2d, 1h30m -> seconds; null when not a duration. */
@NonCPS
Integer seconds(String text) {
    String t = (text ?: '').trim().toLowerCase()
    if (!(t ==~ /([0-9]+[smhd])+/)) {
        return null
    }
    long total = 0
    (t =~ /([0-9]+)([smhd])/).each { all, n, unit ->
        total += (n as long) * [s: 1, m: 60, h: 3600, d: 86400][unit]
    }
    return total as Integer
}
