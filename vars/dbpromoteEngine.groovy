// Plumbing shared by the dbpromote steps (not meant for Jenkinsfiles): check a step's arguments,
// bind credentials, run one engine command with sh(returnStatus), map its exit code to the build
// result, publish what the engine wrote under .dbpromote/.
//
// Values reach the command line only through environment variables ("$DBPROMOTE_ARG_ENV"); the
// script text handed to sh is built from constants alone. Jenkins warns against Groovy-interpolating
// secrets into sh (they land in the log and in `ps`), and the same rule keeps a branch name or an
// image reference from ever being read by the shell as code.

import groovy.json.JsonSlurperClassic

/** Arguments every step accepts, with their defaults. */
Map commonDefaults() {
    return [config: 'dbpromote.yaml', engine: null, credentials: [:], dryRun: false]
}

/**
 * {@code defaults << args}, after checking that every key of args is one of the defaults' keys.
 * An unknown key is an error naming the valid ones (a typo must not be silently ignored).
 */
Map arguments(String step, Map defaults, Map args) {
    List unknown = unknownKeys(defaults, args ?: [:])
    if (unknown) {
        error("${step}: unknown argument${unknown.size() > 1 ? 's' : ''} ${unknown.join(', ')}. " +
                "Valid arguments: ${defaults.keySet().sort().join(', ')}. See ${step} on the Pipeline Syntax page.")
    }
    Map merged = [:]
    merged << defaults
    merged << (args ?: [:])
    return merged
}

@NonCPS
List unknownKeys(Map defaults, Map args) {
    return args.keySet().findAll { !defaults.containsKey(it) }.collect { "'${it}'".toString() }.sort()
}

/**
 * true when the dbpromote plugin is installed: it puts DBPROMOTE_PLUGIN (its version) into every Pipeline build's
 * environment, and the vars then call its steps. Read from env, which the sandbox allows; a Jenkinsfile can go back
 * to the library's own implementation with withEnv(['DBPROMOTE_PLUGIN=']).
 */
boolean pluginInstalled() {
    return env.DBPROMOTE_PLUGIN ? true : false
}

/**
 * The plugin's step {@code fn} (the var's namesake) with the var's merged arguments: it runs the engine as a Jenkins
 * tool, binds the credentials through the Credentials API, maps the exit code and records the build action. The
 * reports are then published as run() does (junit, archiveArtifacts, publishHTML), so the build page is the same either way.
 * spec keys: fn, args (the var's merged arguments), command, envKey.
 */
Map viaPlugin(Map spec) {
    Map a = spec.args
    String stateDir = stateDir(a.config as String)
    String reportName = reportName(spec.command as List, spec.envKey as String)
    try {
        return steps."${spec.fn}"(pluginArguments(a))
    } finally {
        publish(stateDir, reportName, a.dryRun && spec.command == ['migrate'] ? "${reportName}-plan".toString() : reportName)
    }
}

/** The var's arguments as the plugin's step takes them: nulls left out, except pr (an explicit null means a fixed environment). */
@NonCPS
Map pluginArguments(Map a) {
    return a.findAll { k, v -> v != null || k == 'pr' }
}

/**
 * Runs {@code dbpromote <command> [options] [switches] --output json} on the current agent and returns
 * {@code [exitCode: n, result: <the engine's JSON result, or [:]>, attempts: n]}.
 *
 * spec keys: step (name for messages), command (list of words, e.g. ['env', 'destroy']), args (the
 * step's merged arguments: config, engine, credentials, dryRun), options (flag name -> value; null
 * values are left out), switches (flag names without value), envKey (dev-pr-42 / staging, names the
 * report files), retries (extra attempts on exit 3), warnOnly (exit 1 -> UNSTABLE), publish.
 */
Map run(Map spec) {
    Map a = spec.args
    String stateDir = stateDir(a.config as String)
    String reportName = reportName(spec.command as List, spec.envKey as String)
    String out = "${stateDir}/jenkins/${reportName}.json"
    String bin = enginePath(a.engine as String)

    List envVars = ["DBPROMOTE_BIN=${bin}", "DBPROMOTE_OUT=${out}", "DBPROMOTE_ARG_CONFIG=${a.config}"]
    envVars.addAll(optionEnv(spec.options ?: [:]))
    String script = commandLine(spec.command as List, spec.options ?: [:], switches(spec.switches ?: [], a.dryRun))
    String label = "dbpromote ${spec.command.join(' ')}${spec.envKey ? ' ' + spec.envKey : ''}"

    int maxAttempts = 1 + ((spec.retries ?: 0) as int)
    int status = -1
    int attempt = 0
    Map result = [:]
    try {
        withDbpromoteCredentials(a.credentials as Map) {
            withEnv(envVars) {
                while (attempt < maxAttempts) {
                    attempt++
                    status = sh(script: script, returnStatus: true, label: label)
                    if (status != 3 || attempt >= maxAttempts) {
                        break
                    }
                    int wait = Math.min(15 * attempt, 60)
                    echo "${spec.step}: ${label} could not reach an external system (exit 3); attempt ${attempt + 1} of ${maxAttempts} in ${wait}s (the step is idempotent)."
                    sleep(time: wait, unit: 'SECONDS')
                }
            }
        }
        result = fileExists(out) ? readJson(readFile(out)) : [:]
    } finally {
        if (spec.publish != false) {
            // A migrate dry run writes its plan beside the real run's report, not over it.
            publish(stateDir, reportName, a.dryRun && spec.command == ['migrate'] ? "${reportName}-plan".toString() : reportName)
        }
    }
    // warn-only: the step's argument (from environments.<env>.warnOnly), or the engine's own result saying so.
    boolean warnOnly = spec.warnOnly || result.warnOnly == true
    handleExit(spec.step as String, label, status, attempt, result, warnOnly, bin)
    return [exitCode: status, result: result, attempts: attempt]
}

/**
 * Runs one step of the promotion plan (`dbpromote plan`'s stage.step) with the step's arguments (config, engine,
 * credentials, dryRun, env, pr, and image / warnOnly where they apply). The one place dbPromotion calls steps:
 * rdsClone, dbMigrate, k8sDeploy, dataValidate, dbSnapshot, dbEnvDestroy, or the blue-green commands.
 */
Map step(String name, Map args) {
    Map common = [config: args.config, engine: args.engine, credentials: args.credentials, dryRun: args.dryRun, env: args.env]
    switch (name) {
        case 'clone':
            return rdsClone(common + [pr: args.pr])
        case 'migrate':
            return dbMigrate(common + [pr: args.pr])
        case 'deploy':
            return k8sDeploy(common + [pr: args.pr, image: args.image])
        case 'validate':
            return dataValidate(common + [pr: args.pr, warnOnly: args.warnOnly ?: false])
        case 'snapshot':
            return dbSnapshot(common)
        case 'env-destroy':
            return dbEnvDestroy(common + [pr: args.pr])
        case 'bluegreen-create':
            // Idempotent for the environment (the engine reuses the green in progress), so exit 3 is retried.
            return blueGreen('create', common, 2)
        case 'bluegreen-switchover':
            return blueGreen('switchover', common, 0)
        case 'bluegreen-delete':
            return blueGreen('delete', common, 2)
        default:
            error("dbPromotion: the plan names a step '${name}' this library does not know; update the library to the engine's version.")
    }
}

Map blueGreen(String action, Map args, int retries) {
    return run(step: "bluegreen ${action}", command: ['bluegreen', action], args: args, options: [env: args.env],
            envKey: args.env as String, retries: retries).result
}

/** Maps the engine's exit code (README "Exit codes") to the build result; returns normally on 0 and on a warn-only 1. */
void handleExit(String step, String label, int status, int attempts, Map result, boolean warnOnly, String bin) {
    String detail = message(result)
    // The engine's text ends a sentence already more often than not; never "applied.."
    String said = detail ? ": ${detail.replaceAll(/[.!?]\s*$/, '')}" : ''
    if (status == 0) {
        // The engine exits 0 for a warn-only environment's failed validation (environments.<env>.warnOnly); still UNSTABLE.
        if (warnOnly && result.success == false) {
            unstable("${step}: ${label} found problems${said}. This environment is warn-only, so the build is UNSTABLE, not failed; see the report.")
        }
        return
    }
    if (status == 1 && warnOnly) {
        unstable("${step}: ${label} found problems (exit 1)${said}. This environment is warn-only, so the build is UNSTABLE, not failed; see the report.")
        return
    }
    if (status == 1) {
        error("${step}: ${label} found problems (exit 1)${said}. See the step's report (JUnit/HTML/JSON under .dbpromote/).")
    }
    if (status == 2) {
        error("${step}: ${label} rejected its input or config (exit 2)${said}. Nothing was changed; fix the argument or dbpromote.yaml and re-run.")
    }
    if (status == 3) {
        error("${step}: ${label}: an external system (database, AWS, Kubernetes) failed or timed out (exit 3) after ${attempts} attempt${attempts > 1 ? 's' : ''}${said}.")
    }
    if (status == 4) {
        error("${step}: ${label} hit an internal error (exit 4)${said}. Re-run the command with --stacktrace on the agent and report it.")
    }
    if (status == 126 || status == 127) {
        error(missingEngineMessage(step, bin))
    }
    error("${step}: ${label} exited with unexpected code ${status}${said}.")
}

String missingEngineMessage(String step, String bin) {
    return "${step}: the dbpromote engine was not found on this agent (looked for '${bin}'). Install it: " +
            "run 'mvn -B package -DskipTests' in the dbpromote repository and copy target/dbpromote/ to the agent " +
            "(or bake it into the agent image), e.g. to /opt/dbpromote; then put /opt/dbpromote/bin on PATH, or set " +
            "DBPROMOTE_HOME=/opt/dbpromote on the agent, or pass engine: '/opt/dbpromote/bin/dbpromote' to the step. " +
            "It needs Java 17 on the agent. See the README, section 'Use it in Jenkins'."
}

/**
 * The engine: the step's engine argument, else $DBPROMOTE_HOME/bin/dbpromote, else the plugin's dbpromote tool
 * (DBPROMOTE_TOOL names the first one; the tool step installs it on this agent if need be), else dbpromote on PATH.
 * The plugin's steps look in the same order.
 */
String enginePath(String engine) {
    if (engine) {
        return engine
    }
    String home = env.DBPROMOTE_HOME
    if (!home && env.DBPROMOTE_TOOL) {
        home = tool(name: env.DBPROMOTE_TOOL, type: 'dbpromote')
    }
    return home ? "${home.replaceAll('/+$', '')}/bin/dbpromote" : 'dbpromote'
}

/**
 * Runs body with the step's credentials bound as environment variables:
 * aws: id of an AWS credential (AWS Credentials plugin) -> AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
 * (leave it out to use the agent's instance role); kubeconfig: id of a secret file -> KUBECONFIG;
 * passwords: [VARIABLE: id of a secret text], VARIABLE being a passwordEnv of dbpromote.yaml.
 */
def withDbpromoteCredentials(Map credentials, Closure body) {
    String problem = credentialsProblem(credentials ?: [:])
    if (problem) {
        error(problem)
    }
    List specs = bindingSpecs(credentials ?: [:])
    if (!specs) {
        return body()
    }
    List bindings = []
    for (int i = 0; i < specs.size(); i++) {
        Map s = specs[i]
        if (s.kind == 'aws') {
            bindings << aws(credentialsId: s.id, accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY')
        } else if (s.kind == 'file') {
            bindings << file(credentialsId: s.id, variable: s.variable)
        } else {
            bindings << string(credentialsId: s.id, variable: s.variable)
        }
    }
    return withCredentials(bindings) {
        body()
    }
}

/**
 * Credential ids merged layer over layer, later layers winning: aws and kubeconfig are replaced, passwords merged by
 * variable. Each layer is [aws: id, kubeconfig: id, passwords: [VARIABLE: id]] (null values and null layers ignored).
 * dbPromotion: dbpromote.yaml's for the environment, the arguments' defaults, the arguments' for the environment;
 * dbPromotionReaper: every per-PR environment's from dbpromote.yaml, then its argument.
 */
@NonCPS
Map mergeCredentials(List layers) {
    Map result = [:]
    layers.findAll { it instanceof Map }.each { Map layer ->
        layer.each { k, v ->
            if (k == 'passwords') {
                result.passwords = ((result.passwords ?: [:]) as Map) + ((v ?: [:]) as Map)
            } else if (v != null) {
                result[k] = v
            }
        }
    }
    return result
}

@NonCPS
String credentialsProblem(Map credentials) {
    List unknown = credentials.keySet().findAll { !(it in ['aws', 'kubeconfig', 'passwords']) }.collect { "'${it}'".toString() }
    if (unknown) {
        return "credentials: unknown key${unknown.size() > 1 ? 's' : ''} ${unknown.sort().join(', ')}." +
                " Valid keys: aws (AWS credential id), kubeconfig (secret file id), passwords ([VARIABLE: secret text id])."
    }
    if (credentials.passwords != null && !(credentials.passwords instanceof Map)) {
        return "credentials.passwords must be a map of environment variable to secret text id, e.g. passwords: [ORDERS_DB_PASSWORD: 'orders-db-password']."
    }
    for (Object variable : ((credentials.passwords ?: [:]) as Map).keySet()) {
        if (!(variable.toString() ==~ /[A-Za-z_][A-Za-z0-9_]*/)) {
            return "credentials.passwords: '${variable}' is not an environment variable name;" +
                    " use the passwordEnv name from dbpromote.yaml, e.g. passwords: [ORDERS_DB_PASSWORD: 'orders-db-password']."
        }
    }
    return null
}

@NonCPS
List bindingSpecs(Map credentials) {
    List specs = []
    if (credentials.aws) {
        specs << [kind: 'aws', id: credentials.aws.toString()]
    }
    if (credentials.kubeconfig) {
        specs << [kind: 'file', id: credentials.kubeconfig.toString(), variable: 'KUBECONFIG']
    }
    Map passwords = (credentials.passwords ?: [:]) as Map
    passwords.keySet().collect { it.toString() }.sort().each { String variable ->
        specs << [kind: 'string', id: passwords[variable].toString(), variable: variable]
    }
    return specs
}

/**
 * junit, archiveArtifacts and publishHTML for what one command wrote. Never the credential files. junit only
 * for the commands that write JUnit XML (lint, migrate, validate) and only when the file is there, so Jenkins
 * never says "No test report files were found".
 */
void publish(String stateDir, String reportName, String junitName) {
    String junitFile = junitFile(stateDir, junitName)
    String everything = "${stateDir}/**"
    String credentialFiles = "${stateDir}/credentials/**"
    if (junitFile && fileExists(junitFile)) {
        junit(testResults: junitFile, allowEmptyResults: true)
    }
    archiveArtifacts(artifacts: everything, excludes: credentialFiles, allowEmptyArchive: true)
    String page = "${stateDir}/html/${reportName}.html"
    if (!fileExists(page)) {
        return
    }
    try {
        publishHTML(target: [reportDir: "${stateDir}/html".toString(), reportFiles: "${reportName}.html".toString(),
                             reportName: "dbpromote ${reportName}".toString(),
                             allowMissing: true, keepAll: true, alwaysLinkToLastBuild: false])
    } catch (NoSuchMethodError ignored) {
        // Jenkins throws this for a step whose plugin is not installed.
        echo "dbpromote: HTML Publisher plugin not installed; ${page} is in the build's artifacts instead."
    }
}

/** The engine's JSON result: with the plugin its step parses it (no trust needed), else parseJson (trusted library only). */
Map readJson(String text) {
    return pluginInstalled() ? dbpromoteReadJson(text) : parseJson(text)
}

/** The engine's JSON result (stdout with --output json); [:] when it is not JSON. */
@NonCPS
Map parseJson(String text) {
    if (!text?.trim()) {
        return [:]
    }
    try {
        Object parsed = new JsonSlurperClassic().parseText(text)
        return parsed instanceof Map ? (Map) parsed : [value: parsed]
    } catch (Exception ignored) {
        return [:]
    }
}

/** The JUnit XML a command writes (lint, migrate, validate), or null for the commands that write none. */
@NonCPS
String junitFile(String stateDir, String reportName) {
    return reportName ==~ /(lint|migrate-.+|validate-.+)/ ? "${stateDir}/junit/${reportName}.xml".toString() : null
}

/**
 * What went wrong, in the engine's own words: `problem` (every command prints it on failure, the same text as
 * its stderr summary: the failed migration's file, statement and state, the failed expectations, the lint errors,
 * the rollout's pod reasons), else what older engines said.
 */
@NonCPS
String message(Map result) {
    Object m = result?.problem ?: result?.error ?: result?.message ?: result?.summary
    return m == null ? '' : m.toString()
}

/** .dbpromote/ beside the config file, as the engine puts it. */
@NonCPS
String stateDir(String config) {
    int slash = (config ?: '').lastIndexOf('/')
    return slash > 0 ? config.substring(0, slash) + '/.dbpromote' : '.dbpromote'
}

@NonCPS
String reportName(List command, String envKey) {
    String name = command.join('-')
    return envKey ? "${name}-${envKey}" : name
}

/** dev-pr-42 for a PR's environment, staging for a fixed one (the engine's record key). */
@NonCPS
String envKey(String env, Object pr) {
    return pr ? "${env}-pr-${pr}" : env
}

@NonCPS
List switches(List given, Object dryRun) {
    List all = new ArrayList(given)
    if (dryRun) {
        all << 'dry-run'
    }
    return all
}

@NonCPS
List optionEnv(Map options) {
    return options.findAll { k, v -> v != null && v != '' }.collect { k, v -> "${variableFor(k as String)}=${v}".toString() }
}

/**
 * The sh script: constants and "$VARIABLE" references only. Example:
 * "$DBPROMOTE_BIN" clone --config "$DBPROMOTE_ARG_CONFIG" --env "$DBPROMOTE_ARG_ENV" --pr "$DBPROMOTE_ARG_PR" --fresh --output json >"$DBPROMOTE_OUT"
 */
@NonCPS
String commandLine(List command, Map options, List switchNames) {
    StringBuilder sb = new StringBuilder('mkdir -p "${DBPROMOTE_OUT%/*}" && "$DBPROMOTE_BIN" ')
    sb.append(command.join(' '))
    sb.append(' --config "$DBPROMOTE_ARG_CONFIG"')
    options.each { k, v ->
        if (v != null && v != '') {
            sb.append(" --${k} \"\$${variableFor(k as String)}\"")
        }
    }
    switchNames.each { sb.append(" --${it}") }
    sb.append(' --output json >"$DBPROMOTE_OUT"')
    return sb.toString()
}

@NonCPS
String variableFor(String option) {
    return 'DBPROMOTE_ARG_' + option.toUpperCase().replace('-', '_')
}
