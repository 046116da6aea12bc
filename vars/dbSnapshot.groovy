// dbSnapshot: a snapshot of an in-place environment's database before it is migrated
// (dbpromote snapshot). Idempotent per build, so exit 3 is retried.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: null, retries: 2]
    Map a = dbpromoteEngine.arguments('dbSnapshot', defaults, args)
    if (!a.env) {
        error("dbSnapshot: missing env. Name the environment from dbpromote.yaml, e.g. dbSnapshot(env: 'production').")
    }
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'dbSnapshot', args: a, command: ['snapshot'], envKey: a.env as String)
    }
    return dbpromoteEngine.run(step: 'dbSnapshot', command: ['snapshot'], args: a, options: [env: a.env],
            envKey: a.env as String, retries: a.retries).result
}
