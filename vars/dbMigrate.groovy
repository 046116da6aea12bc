// dbMigrate: the pending migrations on the environment's database (dbpromote migrate), linted first
// by the engine. Not retried: MySQL DDL is not transactional, so a failed run is for a person to read.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: null, pr: env.CHANGE_ID, target: null, retries: 0]
    Map a = dbpromoteEngine.arguments('dbMigrate', defaults, args)
    if (!a.env) {
        error("dbMigrate: missing env. Name the environment from dbpromote.yaml, e.g. dbMigrate(env: 'dev').")
    }
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'dbMigrate', args: a, command: ['migrate'], envKey: dbpromoteEngine.envKey(a.env as String, a.pr))
    }
    return dbpromoteEngine.run(step: 'dbMigrate', command: ['migrate'], args: a, options: [env: a.env, pr: a.pr, target: a.target],
            envKey: dbpromoteEngine.envKey(a.env as String, a.pr), retries: a.retries).result
}
