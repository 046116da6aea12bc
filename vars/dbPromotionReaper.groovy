// dbPromotionReaper: deletes every expired PR environment (dbpromote env reap) on a schedule.
// Jenkinsfile.reaper in the repository root shows the job: a cron trigger and this call.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [label: null, retries: 0]
    Map a = dbpromoteEngine.arguments('dbPromotionReaper', defaults, args)
    Map result = [:]
    Closure reap = {
        checkout scm
        stage('Reap expired environments') {
            Map engineArgs = [config: a.config, engine: a.engine, credentials: a.credentials, dryRun: a.dryRun]
            result = dbpromoteEngine.run(step: 'dbPromotionReaper', command: ['env', 'reap'], args: engineArgs, options: [:],
                    envKey: null, retries: a.retries).result
        }
    }
    if (a.label) {
        node(a.label as String, reap)
    } else {
        node(reap)
    }
    return result
}
