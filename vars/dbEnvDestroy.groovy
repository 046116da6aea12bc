// dbEnvDestroy: deletes a PR's environment (clone, credentials, namespace) with dbpromote env destroy.
// The engine only deletes what carries the dbpromote managed-by marker, and never a protected env.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [env: 'dev', pr: env.CHANGE_ID, retries: 0]
    Map a = dbpromoteEngine.arguments('dbEnvDestroy', defaults, args)
    if (!a.pr) {
        error("dbEnvDestroy: missing pr. Pass the pull request number, e.g. dbEnvDestroy(pr: '42'); on a PR build it defaults to env.CHANGE_ID.")
    }
    if (dbpromoteEngine.pluginInstalled()) {
        return dbpromoteEngine.viaPlugin(fn: 'dbEnvDestroy', args: a, command: ['env', 'destroy'], envKey: dbpromoteEngine.envKey(a.env as String, a.pr))
    }
    return dbpromoteEngine.run(step: 'dbEnvDestroy', command: ['env', 'destroy'], args: a, options: [env: a.env, pr: a.pr],
            envKey: dbpromoteEngine.envKey(a.env as String, a.pr), retries: a.retries).result
}
