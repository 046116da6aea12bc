// dataValidate: expectation suite and source comparison (dbpromote validate); read-only, so exit 3 is
// retried. Failed expectations fail the build, or make it UNSTABLE with warnOnly: true.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: null, pr: env.CHANGE_ID, suite: null, strategy: null, warnOnly: false, retries: 2]
    Map a = dbpromoteEngine.arguments('dataValidate', defaults, args)
    if (!a.env) {
        error("dataValidate: missing env. Name the environment from dbpromote.yaml, e.g. dataValidate(env: 'dev').")
    }
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'dataValidate', args: a, command: ['validate'], envKey: dbpromoteEngine.envKey(a.env as String, a.pr))
    }
    return dbpromoteEngine.run(step: 'dataValidate', command: ['validate'], args: a,
            options: [env: a.env, pr: a.pr, suite: a.suite, strategy: a.strategy],
            envKey: dbpromoteEngine.envKey(a.env as String, a.pr), retries: a.retries, warnOnly: a.warnOnly).result
}
