package dev.dbpromote.jenkins

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library

import com.lesfurets.jenkins.unit.MethodCall
import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS
import com.lesfurets.jenkins.unit.global.lib.SourceRetriever
import dev.dbpromote.testing.CliRun
import groovy.json.JsonOutput
import java.nio.file.Files
import java.nio.file.Path
import org.jenkinsci.plugins.pipeline.modeldefinition.Utils
import org.junit.jupiter.api.BeforeEach

/**
 * Runs pipelines against this repository loaded as the shared library 'dbpromote' (JenkinsPipelineUnit,
 * CPS mode), with a fake agent: `sh` runs no shell but answers like the dbpromote engine would (exit
 * codes and JSON results chosen per command), files live in a map, credentials bind fake secrets.
 * Tests assert on the recorded call stack.
 */
abstract class LibraryTestBase extends BasePipelineTestCPS {

    public static final File ROOT = new File('.').canonicalFile
    private static int scriptCounter = 0

    /** The build's environment (`env`), changed by withEnv/withCredentials like Jenkins does. */
    Map<String, String> envVars = [:]
    /** The agent's workspace: path -> content. */
    Map<String, String> files = [:]
    /** Every sh call: script, label, and a copy of the environment it ran with. */
    List<Map> shCalls = []
    /** Exit codes per engine command ('clone', 'env destroy') or per command and env key ('migrate staging'); each call takes the next, the last repeats. */
    Map<String, List<Integer>> exitCodes = [:]
    /** JSON results per engine command (or command and env key). */
    Map<String, Map> results = [:]
    /** Answers of `input` per id: a user name, or an exception to throw (rejected / timed out). */
    Map<String, Object> gateAnswers = [:]
    /** stdout of `git log -1` (the merge commit). */
    String lastCommitMessage = 'Fix the orders index'
    /** What encloses the current step: node labels, lock names, timeouts (seconds) — recorded with every sh and input. */
    List<String> activeNodes = []
    List<String> activeLocks = []
    List<Integer> activeTimeouts = []
    /** Every input call: its arguments and what enclosed it. */
    List<Map> inputs = []
    boolean engineInstalled = true
    /**
     * dbpromote.yaml of the fake repository. `check` and `plan` are answered by the real engine (in-process) from
     * it, unless a test gives them an exit code or result; every other command answers from exitCodes/results.
     */
    Map config = baseConfig()
    /** A config file to use instead of {@link #config}. */
    Path configFile = null
    /** Node properties: environment variables that exist only inside `node`. */
    Map<String, String> nodeEnv = [:]
    boolean htmlPublisherInstalled = true

    @BeforeEach
    void setUpLibrary() {
        Utils.skipped.clear()
        super.setUp()
        helper.registerSharedLibrary(library().name('dbpromote').defaultVersion('v1').allowOverride(true).implicit(false)
                .targetPath('unused').retriever({ String repo, String version, String target -> [ROOT.toURI().toURL()] } as SourceRetriever)
                .build())
        binding.setVariable('env', envVars)
        binding.setVariable('scm', [$class: 'GitSCM'])
        binding.setVariable('currentBuild', [result: 'SUCCESS', description: null])

        helper.registerAllowedMethod('sh', [Map], { Map m -> fakeSh(m) })
        helper.registerAllowedMethod('error', [String], { String message ->
            updateBuildStatus('FAILURE')
            throw new PipelineError(message)
        })
        helper.registerAllowedMethod('unstable', [String], { String message -> updateBuildStatus('UNSTABLE') })
        helper.registerAllowedMethod('withEnv', [List, Closure], { List entries, Closure body ->
            Map<String, String> vars = [:]
            entries.each { String e -> int i = e.indexOf('='); vars[e.substring(0, i)] = e.substring(i + 1) }
            withVariables(vars, body)
        })
        helper.registerAllowedMethod('aws', [Map], { Map m -> [binding: 'aws'] + m })
        helper.registerAllowedMethod('file', [Map], { Map m -> [binding: 'file'] + m })
        helper.registerAllowedMethod('string', [Map], { Map m -> [binding: 'string'] + m })
        helper.registerAllowedMethod('withCredentials', [List, Closure], { List bindings, Closure body ->
            Map<String, String> vars = [:]
            bindings.each { Map b ->
                if (b.binding == 'aws') {
                    vars[b.accessKeyVariable] = 'AKIA-' + b.credentialsId
                    vars[b.secretKeyVariable] = secretOf(b.credentialsId)
                } else if (b.binding == 'file') {
                    vars[b.variable] = '/tmp/secretFiles/' + b.credentialsId
                } else {
                    vars[b.variable] = secretOf(b.credentialsId)
                }
            }
            withVariables(vars, body)
        })
        helper.registerAllowedMethod('lock', [String, Closure], { String name, Closure body -> enclosed(activeLocks, name, body) })
        helper.registerAllowedMethod('node', [Closure], { Closure body -> onNode('(any)', body) })
        helper.registerAllowedMethod('node', [String, Closure], { String label, Closure body -> onNode(label, body) })
        helper.registerAllowedMethod('timeout', [Map, Closure], { Map m, Closure body ->
            int secs = (m.time as int) * [SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400][m.unit ?: 'MINUTES']
            enclosed(activeTimeouts, secs, body)
        })
        helper.registerAllowedMethod('milestone', [Map], null)
        helper.registerAllowedMethod('sleep', [Map], null)
        helper.registerAllowedMethod('checkout', [Map], null)
        helper.registerAllowedMethod('junit', [Map], null)
        helper.registerAllowedMethod('fileExists', [String], { String path -> files.containsKey(path) })
        helper.registerAllowedMethod('readFile', [String], { String path ->
            if (!files.containsKey(path)) {
                throw new FileNotFoundException(path)
            }
            files[path]
        })
        helper.registerAllowedMethod('publishHTML', [Map], { Map m ->
            if (!htmlPublisherInstalled) {
                throw new NoSuchMethodError("No such DSL method 'publishHTML' found among steps")
            }
        })
        helper.registerAllowedMethod('input', [Map], { Map m ->
            inputs << [args: m, nodes: new ArrayList(activeNodes), locks: new ArrayList(activeLocks), timeouts: new ArrayList(activeTimeouts)]
            Object answer = gateAnswers.containsKey(m.id) ? gateAnswers[m.id] : 'alice'
            if (answer instanceof Throwable) {
                throw (Throwable) answer
            }
            return answer
        })
        helper.registerAllowedMethod('cron', [String], { String spec -> [cron: spec] })
        helper.registerAllowedMethod('pipelineTriggers', [List], { List l -> [triggers: l] })
        helper.registerAllowedMethod('disableConcurrentBuilds', [], null)
        helper.registerAllowedMethod('properties', [List], null)
    }

    static String secretOf(String credentialsId) {
        return 'S3cr3t-' + credentialsId
    }

    Object onNode(String label, Closure body) {
        return withVariables(nodeEnv, { enclosed(activeNodes, label, body) })
    }

    Object enclosed(List stack, Object what, Closure body) {
        stack << what
        try {
            return helper.callClosure(body)
        } finally {
            stack.remove(stack.size() - 1)
        }
    }

    Object withVariables(Map<String, String> vars, Closure body) {
        Map<String, String> saved = new LinkedHashMap<>(envVars)
        envVars.putAll(vars)
        try {
            return helper.callClosure(body)
        } finally {
            envVars.clear()
            envVars.putAll(saved)
        }
    }

    /** The fake agent's shell: engine commands answer from exitCodes/results; `git log` gives the commit message. */
    Object fakeSh(Map m) {
        Map<String, String> env = new LinkedHashMap<>(envVars)
        shCalls << [script: m.script, label: m.label, env: env, nodes: new ArrayList(activeNodes), locks: new ArrayList(activeLocks),
                    timeouts: new ArrayList(activeTimeouts)]
        if (m.returnStdout) {
            return m.script.toString().startsWith('git log') ? lastCommitMessage + '\n' : ''
        }
        String command = engineCommand(m.script as String)
        if (command == null) {
            return 0
        }
        if (!engineInstalled) {
            return 127
        }
        String key = command + ' ' + envKey(env)
        String stateDir = env.DBPROMOTE_OUT.replaceAll('/jenkins/[^/]*$', '')
        String report = command.replace(' ', '-') + (envKey(env) ? '-' + envKey(env) : '')
        if (command in ['check', 'plan'] && !exitCodes.containsKey(command) && !results.containsKey(command)) {
            return realEngine(command, m.script as String, env)
        }
        List<Integer> codes = exitCodes[key] ?: exitCodes[command] ?: [0]
        int code = codes.size() > 1 ? codes.remove(0) : codes[0]
        Map result = results[key] ?: results[command] ?:
                (code == 0 ? [success: true] : [success: false, exitCode: code, error: "simulated ${command} failure".toString()])
        files[env.DBPROMOTE_OUT] = JsonOutput.toJson(result)
        if (command == 'validate') {
            files["${stateDir}/html/${report}.html".toString()] = '<html>report</html>'
        }
        if (command in ['lint', 'migrate', 'validate'] && code in [0, 1]) {
            String junitName = command == 'migrate' && m.script.contains(' --dry-run') ? report + '-plan' : report
            files["${stateDir}/junit/${junitName}.xml".toString()] = '<testsuites/>'
        }
        return code
    }

    /** Runs the real engine in-process for a command that reads only dbpromote.yaml, with the options the library passed. */
    int realEngine(String command, String script, Map<String, String> env) {
        Path file = configFile
        if (file == null) {
            Path dir = new File(ROOT, 'target/jpu-config').toPath()
            Files.createDirectories(dir)
            file = Files.createTempFile(dir, 'dbpromote', '.yaml')
            file.text = JsonOutput.toJson(config)  // JSON is YAML
        }
        List<String> argv = command.split(' ') as List
        argv += ['--config', file.toString(), '--output', 'json']
        (script =~ /--([a-z-]+) "\$(DBPROMOTE_ARG_[A-Z_]+)"/).each { all, String option, String variable ->
            if (option != 'config') {
                argv += ['--' + option, env[variable]]
            }
        }
        if (script.contains(' --dry-run')) {
            argv << '--dry-run'
        }
        CliRun.Result r = CliRun.'in'(file.parent).run(argv as String[])
        engineStderr << r.err()
        files[env.DBPROMOTE_OUT] = r.out()
        return r.exitCode()
    }

    /** What the real engine printed on stderr. */
    List<String> engineStderr = []

    static Map baseConfig() {
        return [app         : 'orders',
                source      : [rds: [instance: 'orders-prod', region: 'us-west-2'], database: 'orders', passwordEnv: 'ORDERS_DB_PASSWORD'],
                deploy      : [manifests: 'deploy/k8s'],
                validate    : [suite: 'db/expectations.yaml'],
                promote     : [from: 'main', gateTimeout: '24h'],
                environments: [
                        dev       : [database   : [strategy: 'clone', ttl: '72h'], namespace: 'orders-pr-${PR}',
                                     credentials: [aws: 'orders-aws-dev', kubeconfig: 'kube-dev', passwords: [ORDERS_DB_PASSWORD: 'orders-prod-readonly']]],
                        staging   : [database   : [strategy: 'in-place', host: 'staging-db', snapshotBefore: true, passwordEnv: 'ORDERS_STAGING_DB_PASSWORD'],
                                     approvers  : ['qa-leads'], namespace: 'orders-staging', warnOnly: true,
                                     credentials: [kubeconfig: 'kube-staging', passwords: [ORDERS_STAGING_DB_PASSWORD: 'orders-staging-db']]],
                        production: [protected  : true,
                                     database   : [strategy: 'in-place', rds: [instance: 'orders-prod', region: 'us-west-2'], snapshotBefore: true,
                                                   passwordEnv: 'ORDERS_PROD_DB_PASSWORD'],
                                     approvers  : ['release-managers', 'alice'], namespace: 'orders',
                                     credentials: [kubeconfig: 'kube-prod', passwords: [ORDERS_PROD_DB_PASSWORD: 'orders-prod-db']]]]]
    }

    static String engineCommand(String script) {
        def m = script =~ '"\\$DBPROMOTE_BIN" ([a-z -]+?) --config'
        return m.find() ? m.group(1) : null
    }

    static String envKey(Map env) {
        String e = env.DBPROMOTE_ARG_ENV
        String pr = env.DBPROMOTE_ARG_PR
        return e == null ? '' : (pr ? "${e}-pr-${pr}" : e).toString()
    }

    /** Writes the pipeline to a script file (after @Library) and runs it. */
    Object runPipeline(String body) {
        File dir = new File(ROOT, 'target/jpu-scripts')
        dir.mkdirs()
        String name = "${getClass().simpleName}_${scriptCounter++}"
        new File(dir, name + '.jenkins').text = "@Library('dbpromote@v1') _\n" + body + '\n'
        return runScript("target/jpu-scripts/${name}.jenkins")
    }

    /** Runs the pipeline and returns what it threw (failing the test when it threw nothing). */
    Throwable runPipelineExpectingFailure(String body) {
        try {
            runPipeline(body)
        } catch (Throwable t) {
            return t
        }
        throw new AssertionError('the pipeline should have thrown')
    }

    List<MethodCall> calls(String method) {
        return helper.callStack.findAll { it.methodName == method }
    }

    List<Map> mapArgs(String method) {
        return calls(method).collect { it.args[0] as Map }
    }

    /** The engine commands that ran, with their env key: ['check', 'lint', 'clone dev-pr-42', ...]. */
    List<String> engineRuns() {
        return shCalls.findAll { engineCommand(it.script as String) != null }.collect {
            String key = envKey(it.env as Map)
            engineCommand(it.script as String) + (key ? ' ' + key : '')
        }
    }

    /** The sh calls that ran the engine command (e.g. 'migrate staging'). */
    List<Map> engineCalls(String run) {
        return shCalls.findAll {
            String command = engineCommand(it.script as String)
            String key = envKey(it.env as Map)
            command != null && (command + (key ? ' ' + key : '')) == run
        }
    }

    /** Stages in the order they were entered. */
    List<String> stages() {
        return calls('stage').collect { it.args[0].toString() }
    }

    List<String> stagesSkipped() {
        return new ArrayList<>(Utils.skipped)
    }

    List<String> stagesRun() {
        return stages().findAll { !(it in Utils.skipped) }
    }

    String buildResult() {
        return binding.getVariable('currentBuild').result
    }
}
