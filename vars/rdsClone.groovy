// rdsClone: the PR's own copy of the production database (dbpromote clone).
// Idempotent: a re-run reuses the PR's clone, so an external failure (exit 3) is retried.
// Returns the engine's JSON result (endpoint, database, credential reference; never the password).

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: 'dev', pr: env.CHANGE_ID, fresh: false, retries: 2]
    Map a = dbpromoteEngine.arguments('rdsClone', defaults, args)
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'rdsClone', args: a, command: ['clone'], envKey: dbpromoteEngine.envKey(a.env as String, a.pr))
    }
    List switches = a.fresh ? ['fresh'] : []
    return dbpromoteEngine.run(step: 'rdsClone', command: ['clone'], args: a, options: [env: a.env, pr: a.pr], switches: switches,
            envKey: dbpromoteEngine.envKey(a.env as String, a.pr), retries: a.retries).result
}
