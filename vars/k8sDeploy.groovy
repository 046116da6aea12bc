// k8sDeploy: the service build next to its database (dbpromote deploy). The engine waits for the
// rollout and undoes a failed one; a re-apply is idempotent, so exit 3 is retried.
// Returns the engine's JSON result; its `image` is the digest that was deployed.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: null, pr: env.CHANGE_ID, image: null, retries: 2]
    Map a = dbpromoteEngine.arguments('k8sDeploy', defaults, args)
    if (!a.env) {
        error("k8sDeploy: missing env. Name the environment from dbpromote.yaml, e.g. k8sDeploy(env: 'dev', image: 'registry/orders@sha256:...').")
    }
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'k8sDeploy', args: a, command: ['deploy'], envKey: dbpromoteEngine.envKey(a.env as String, a.pr))
    }
    return dbpromoteEngine.run(step: 'k8sDeploy', command: ['deploy'], args: a, options: [env: a.env, pr: a.pr, image: a.image],
            envKey: dbpromoteEngine.envKey(a.env as String, a.pr), retries: a.retries).result
}
