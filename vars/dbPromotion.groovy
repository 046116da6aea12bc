// dbPromotion: the promotion every repository runs, identical everywhere:
//
//     @Library('dbpromote@v1') _
//     dbPromotion()
//
// The engine decides, this file draws. `dbpromote plan --output json` returns the ordered stage list of
// this build (which stages run, why the others are skipped, the gates and their approvers, the locks);
// dbPromotion turns it into stages, gates, locks and step calls and decides nothing itself. Scripted on
// purpose: a gate into an environment waits outside any `node` and `lock` (no executor is held while a
// person decides), each environment's work runs inside its own `lock`, and skipped stages are still drawn.

Map call(Map args = [:]) {
    Map defaults = [config: 'dbpromote.yaml', engine: null, credentials: [:], dryRun: false, label: null, image: null,
                    pr: env.CHANGE_ID, promoteFrom: null, gateTimeout: null, timeout: '4h',
                    mainBranches: ['main', 'master'], mergedPr: null]
    Map a = dbpromoteEngine.arguments('dbPromotion', defaults, args)
    String problem = argumentProblem(a)
    if (problem) {
        error("dbPromotion: ${problem}")
    }
    Map state = [visited: [], plan: null, image: a.image ?: null, approvals: [:], approvers: [:]]
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
    onAgent(a.label) {
        checkout scm
        runStage(state, 'Check') {
            // Read on the agent: DBPROMOTE_IMAGE may be a node property, which only exists inside `node`.
            state.image = state.image ?: (env.DBPROMOTE_IMAGE ?: null)
            Map engineArgs = stepArgs(a, dbpromoteEngine.mergeCredentials(credentialLayers(a.credentials as Map, [:], null)))
            dbpromoteEngine.run(step: 'dbPromotion', command: ['check'], args: engineArgs, options: [:], envKey: null)
            dbpromoteEngine.run(step: 'dbPromotion', command: ['lint'], args: engineArgs, options: [:], envKey: null)
            String commitMessage = null
            if (a.mergedPr == null && !a.pr) {
                commitMessage = sh(script: 'git log -1 --format=%B 2>/dev/null || true', returnStdout: true, label: 'last commit message')
            }
            state.plan = dbpromoteEngine.run(step: 'dbPromotion', command: ['plan'], args: engineArgs, envKey: null,
                    options: planOptions(a, env.BRANCH_NAME as String, commitMessage)).result
        }
    }
    Map plan = state.plan as Map
    String invalid = planProblem(plan, a)
    if (invalid) {
        error("dbPromotion: ${invalid}")
    }
    echo "dbPromotion: ${plan.summary}"
    List groups = stageGroups(plan.stages as List)
    for (int i = 0; i < groups.size(); i++) {
        Map g = groups[i]
        if (!g.run) {
            skipStages(state, g.stages as List)
        } else if (g.lock) {
            lock(g.lock as String) {
                runLocked(g.stages as List, a, plan, state)
            }
        } else {
            runLocked(g.stages as List, a, plan, state)
        }
    }
}

/** Stages under one lock: work in `timeout { node { … } }` segments, a gate between them without a node. */
void runLocked(List stages, Map a, Map plan, Map state) {
    List segments = segments(stages)
    for (int i = 0; i < segments.size(); i++) {
        List segment = segments[i]
        Map first = segment[0]
        if (first.step == 'gate') {
            if (first.run) {
                approve(first, a, plan, state)
            } else {
                skipStages(state, [first])
            }
            continue
        }
        if (!anyRuns(segment)) {
            skipStages(state, segment)
            continue
        }
        timeout(time: plan.timeoutSeconds, unit: 'SECONDS') {
            onAgent(a.label) {
                checkout scm
                for (int j = 0; j < segment.size(); j++) {
                    Map s = segment[j]
                    if (s.run) {
                        recordApproval(s.environment as String, a, plan, state)
                        runPlannedStage(s, a, plan, state)
                    } else {
                        skipStages(state, [s])
                    }
                }
            }
        }
    }
}

/** One stage of the plan; on failure its cleanup (blue-green: delete green) runs before the build fails. */
void runPlannedStage(Map s, Map a, Map plan, Map state) {
    try {
        runStage(state, s.name as String) {
            Map args = envArgs(a, plan, s.environment as String) + [env: s.environment, pr: s.pr]
            if (s.step == 'deploy') {
                args.image = state.image
            }
            if (s.step == 'validate') {
                args.warnOnly = s.warnOnly ?: false
            }
            // who approved this environment's gate, for the plugin's build action (ignored by the engine)
            Object approver = state.approvers[s.environment]
            Map result = null
            withEnv(approver ? ["DBPROMOTE_APPROVER=${approver}".toString()] : []) {
                result = dbpromoteEngine.step(s.step as String, args)
            }
            if (s.step == 'deploy') {
                state.image = deployedImage(result, state.image as String)
            }
        }
    } catch (err) {
        if (s.failureNote) {
            echo "dbPromotion: ${s.failureNote}"
        }
        cleanUp(s, a, plan, false)
        throw err
    }
}

/** A stage's cleanup step after it failed; needsAgent: false when called on an agent already. */
void cleanUp(Map s, Map a, Map plan, boolean needsAgent) {
    if (!s.cleanup) {
        return
    }
    Closure body = {
        echo "dbPromotion: ${s.name} did not complete; running ${s.cleanup} for ${s.environment} (the live database is not touched)."
        dbpromoteEngine.step(s.cleanup as String, envArgs(a, plan, s.environment as String) + [env: s.environment, pr: null])
    }
    // The stage's own failure is what the build reports; a failed cleanup is said, not allowed to hide it.
    try {
        if (needsAgent) {
            onAgent(a.label) {
                checkout scm
                body()
            }
        } else {
            body()
        }
    } catch (Exception e) {
        echo "dbPromotion: WARNING: ${s.cleanup} for ${s.environment} failed too: ${e.message}. Run 'dbpromote bluegreen status --env ${s.environment}' and clean up by hand."
    }
}

/** One approval gate: milestone, input inside its timeout, milestone. Never inside a node. */
void approve(Map s, Map a, Map plan, Map state) {
    Map gate = s.gate as Map
    String target = s.environment as String
    List approvers = (gate.approvers ?: []) as List
    String what = gate.kind == 'switchover' ? "${target} switchover" : target
    Object answer = null
    try {
        runStage(state, s.name as String) {
            String summary = gateSummary(s, a, plan, state)
            if (summary) {
                echo "dbPromotion: ${s.name}:\n${summary}"
                currentBuild.description = ((currentBuild.description ?: '') + "${s.name}:\n${summary}\n").toString()
            }
            milestone(ordinal: gate.milestone as int, label: "${gate.id}: waiting")
            Map request = [id: gate.id, message: gateMessage(plan, s, state.image as String, summary), ok: okLabel(s), submitterParameter: 'approver']
            if (approvers) {
                request.submitter = approvers.join(',')
                echo "dbPromotion: ${gateRule(approvers)}" + (env.BUILD_URL ? " Approve or abort at ${env.BUILD_URL}input/" : '')
            } else {
                echo "dbPromotion: no approvers configured for ${target} (environments.${target}.approvers): anyone allowed to build this job can approve."
            }
            timeout(time: gate.timeoutSeconds, unit: 'SECONDS') {
                answer = input(request)
            }
            milestone(ordinal: (gate.milestone as int) + 1, label: "${gate.id}: approved")
        }
    } catch (err) {
        // Rejected, timed out, or superseded by a newer approved build: the build is aborted, not failed.
        currentBuild.result = 'ABORTED'
        Map rejection = gateRejection(err, approvers)
        String who = rejection?.user
        if (who) {
            currentBuild.description = ((currentBuild.description ?: '') + "${what} rejected by ${who}\n").toString()
            echo "dbPromotion: ${what} rejected by ${who} at gate ${gate.id}."
            if (!rejection.approver) {
                echo "dbPromotion: WARNING: ${who} is not one of the approvers of ${target} (${approvers.join(', ')}); Jenkins lets anyone" +
                        " who may cancel builds (Job/Cancel) abort a gate, not only its approvers."
            }
            recordRejection(s, who, a, plan)
        } else {
            echo "dbPromotion: promotion to ${target} stopped at gate ${gate.id} (timed out after ${gate.timeout}, or superseded by a newer build)."
        }
        cleanUp(s, a, plan, true)
        throw err
    }
    String approver = (answer instanceof Map ? answer.approver : answer) ?: 'unknown'
    echo "dbPromotion: ${gate.kind == 'switchover' ? "switchover of ${target}" : "promotion to ${target}"} approved by ${approver}"
    currentBuild.description = ((currentBuild.description ?: '') + "${what} approved by ${approver}\n").toString()
    state.lastApprover = approver
    state.approvals[target] = [attribute: gate.kind == 'switchover' ? 'switchoverApprovedBy' : 'approvedBy', user: approver]
    state.approvers[target] = approver
}

/**
 * What the gate into an environment shows, from the engine (`dbpromote gate-summary`): the migrations pending there
 * with their lint findings, the rehearsal and validation of the PR's clone, the image, the previous approver, links.
 * Computed on an agent (it reads the target database), which is released before the gate waits. Informational: when
 * it cannot be made, the gate says so and still asks.
 */
String gateSummary(Map s, Map a, Map plan, Map state) {
    if (s.gate.kind != 'promote') {
        return "Green was migrated and validated in this build (stages ${s.environment.capitalize()}: Migrate green, Validate green)."
    }
    String text = null
    try {
        onAgent(a.label) {
            checkout scm
            text = dbpromoteEngine.run(step: 'dbPromotion', command: ['gate-summary'], args: envArgs(a, plan, s.environment as String),
                    options: [env: s.environment, pr: plan.pr, image: state.image, 'previous-approver': state.lastApprover, 'build-url': env.BUILD_URL],
                    envKey: s.environment as String, publish: false).result.text
        }
    } catch (err) {
        echo "dbPromotion: the summary for ${s.name} could not be made (${err.message}); the gate shows the image only."
    }
    return text
}

/** The approver goes to the environment's record as soon as its work starts (on an agent, inside the lock). */
void recordApproval(String target, Map a, Map plan, Map state) {
    Map approval = state.approvals[target] as Map
    if (!approval) {
        return
    }
    state.approvals.remove(target)
    dbpromoteEngine.run(step: 'dbPromotion', command: ['env', 'annotate'], args: envArgs(a, plan, target),
            options: [env: target, set: "${approval.attribute}=${approval.user}".toString()], envKey: target, retries: 2, publish: false)
}

/** Best effort: a rejection is in the log and the build description already; the record is a convenience. */
void recordRejection(Map s, String who, Map a, Map plan) {
    try {
        onAgent(a.label) {
            checkout scm
            dbpromoteEngine.run(step: 'dbPromotion', command: ['env', 'annotate'], args: envArgs(a, plan, s.environment as String),
                    options: [env: s.environment, set: "rejectedBy=${who}".toString()], envKey: s.environment as String, publish: false)
        }
    } catch (Exception e) {
        echo "dbPromotion: could not record the rejection in the ${s.environment} record: ${e.message}"
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

/** Draws planned stages as skipped, each saying why. */
void skipStages(Map state, List stages) {
    for (int i = 0; i < stages.size(); i++) {
        Map s = stages[i]
        skipStage(state, s.name as String, s.reason as String)
    }
}

void skipStage(Map state, String name, String reason) {
    state.visited << name
    stage(name) {
        echo "Skipped: ${reason}"
        if (dbpromoteEngine.pluginInstalled()) {
            dbpromoteMarkSkipped(name) // the plugin's step: no trust needed
        } else {
            markSkipped(name)
        }
    }
}

void skipRemaining(Map state, String reason) {
    List names = notVisited(state.plan as Map, state.visited as List)
    for (int i = 0; i < names.size(); i++) {
        skipStage(state, names[i] as String, reason)
    }
}

@NonCPS
List notVisited(Map plan, List visited) {
    return ((plan?.stages ?: []) as List).collect { it.name.toString() }.findAll { !(it in visited) }
}

/**
 * Blue Ocean / Pipeline Graph View draw a stage as skipped through Declarative's Utils; optional. The library alone
 * only (trusted): with the plugin, its step dbpromoteMarkSkipped does it.
 */
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

/**
 * The plan's stages (after Check) in runs: consecutive stages sharing a lock form one group, a gate
 * without a lock (entering an environment) is a group of its own; a group none of whose stages runs is
 * only drawn.
 */
@NonCPS
List stageGroups(List stages) {
    List groups = []
    stages.findAll { it.name != 'Check' }.each { Map s ->
        Map last = groups ? groups[-1] : null
        if (last != null && s.lock && last.lock == s.lock) {
            last.stages << s
            last.run = last.run || s.run
        } else {
            groups << [lock: s.lock, run: s.run as boolean, stages: [s]]
        }
    }
    return groups
}

@NonCPS
boolean anyRuns(List stages) {
    return stages.any { it.run }
}

/** A group's stages cut at gates: [[work, work], [gate], [work]]. */
@NonCPS
List segments(List stages) {
    List out = []
    stages.each { Map s ->
        if (s.step == 'gate' || !out || out[-1][0].step == 'gate') {
            out << [s]
        } else {
            out[-1] << s
        }
    }
    return out
}

@NonCPS
Map planOptions(Map a, String branch, String commitMessage) {
    Object merged = a.mergedPr == false ? 'none' : a.mergedPr
    return [branch        : branch, pr: a.pr, 'main-branches': (a.mainBranches as List).join(','), 'promote-from': a.promoteFrom,
            'gate-timeout': a.gateTimeout, timeout: a.timeout, 'merged-pr': merged, 'commit-message': commitMessage?.trim()]
}

@NonCPS
Map stepArgs(Map a, Map credentials) {
    return [config: a.config, engine: a.engine, credentials: credentials ?: [:], dryRun: a.dryRun]
}

/** A step's common arguments with the credentials of its environment (dbpromote.yaml's, then the arguments'). */
Map envArgs(Map a, Map plan, String envName) {
    Map e = ((plan.environments ?: [:]) as Map)[envName] as Map
    return stepArgs(a, dbpromoteEngine.mergeCredentials(credentialLayers(a.credentials as Map, (e?.credentials ?: [:]) as Map, envName)))
}

@NonCPS
String okLabel(Map s) {
    return s.gate.kind == 'switchover' ? "Switch ${s.environment} over to green" : "Promote to ${s.environment}"
}

/** What a gate's approvers may do, said where people look; Jenkins' input lets Job/Cancel holders abort too. */
@NonCPS
String gateRule(List approvers) {
    return "only ${approvers.join(', ')} may approve; anyone who can cancel builds can abort."
}

/** The gate's question, the engine's summary (10-15 lines), and who may approve. */
@NonCPS
String gateMessage(Map plan, Map s, String image, String summary) {
    String question = s.gate.kind == 'switchover' ? "Switch ${plan.app} ${s.environment} over to green?" : "Promote ${plan.app} to ${s.environment}?"
    List approvers = (s.gate.approvers ?: []) as List
    return question + (image ? " Image: ${image}" : '') + (summary ? "\n${summary}" : '') + (approvers ? "\n${gateRule(approvers).capitalize()}" : '')
}

/**
 * [user: who rejected the gate, approver: whether they are one of its approvers], or null when err is no rejection
 * (a timeout, a newer build past the milestone). With the plugin its step reads Jenkins' objects (no trust needed);
 * the library alone does it itself, which only a trusted library may.
 */
Map gateRejection(Throwable err, List approvers) {
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteRejection(error: err, approvers: approvers)
    }
    String who = rejectedBy(err)
    return who ? [user: who, approver: isApprover(who, approvers)] : null
}

/** Who rejected a gate: Jenkins' FlowInterruptedException carries a Rejection cause with the user; null otherwise. */
@NonCPS
String rejectedBy(Throwable err) {
    try {
        List causes = err.hasProperty('causes') ? (err.causes as List) : []
        for (Object cause : causes) {
            if (cause.getClass().getSimpleName() == 'Rejection') {
                Object user = cause.user
                return user == null ? 'an anonymous user' : user.id.toString()
            }
        }
    } catch (Exception ignored) {
        // not an input rejection
    }
    return null
}

/** Approvers are user ids or group names: a user id matches directly, a group through the user's authorities when Jenkins can say. */
@NonCPS
boolean isApprover(String who, List approvers) {
    if (approvers.any { it.toString().equalsIgnoreCase(who) }) {
        return true
    }
    try {
        Class users = Class.forName('hudson.model.User', true, this.class.classLoader)
        Object user = users.getMethod('getById', String, boolean).invoke(null, who, false)
        List groups = user == null ? [] : (user.authorities as List)
        return approvers.any { it in groups }
    } catch (Exception ignored) {
        return false
    } catch (LinkageError ignored) {
        return false
    }
}

/** The image later environments get: the digest the engine deployed when it reports one. */
@NonCPS
String deployedImage(Map deployed, String current) {
    Object image = deployed?.image
    return image && image.toString().contains('@') ? image.toString() : current
}

@NonCPS
String argumentProblem(Map a) {
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
String planProblem(Map plan, Map a) {
    if (!(plan?.stages instanceof List)) {
        return "'dbpromote plan --output json' gave no stages; is the engine older than this library? Update the engine on the agent."
    }
    Map envs = (plan.environments ?: [:]) as Map
    Map credentials = (a.credentials ?: [:]) as Map
    List unknownEnvs = credentials.keySet().findAll { credentials[it] instanceof Map && it != 'passwords' && !envs.containsKey(it) }.collect { it.toString() }
    if (unknownEnvs) {
        return "credentials for environment${unknownEnvs.size() > 1 ? 's' : ''} ${unknownEnvs.join(', ')}, which dbpromote.yaml does not define;" +
                " defined: ${envs.keySet().sort().join(', ')}."
    }
    return null
}

/** Credential layers for one environment, weakest first: dbpromote.yaml's, the arguments' defaults, the arguments' for that environment. */
@NonCPS
List credentialLayers(Map args, Map fromConfig, String envName) {
    List layers = [fromConfig ?: [:], (args ?: [:]).findAll { k, v -> k in ['aws', 'kubeconfig', 'passwords'] }]
    if (envName && args?.get(envName) instanceof Map) {
        layers << args[envName]
    }
    return layers
}
