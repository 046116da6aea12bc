// dbPromotionReaper: deletes every expired PR environment (dbpromote env reap) on a schedule.
// Jenkinsfile.reaper in the repository root shows the job: a cron trigger and this call.
// The reaper reaches the same databases and clusters as the PR builds' dev stages, so it binds the same
// credentials: those dbpromote.yaml names for its per-PR (strategy: clone) environments, read with
// `dbpromote check`, with the step's credentials argument on top.

Map call(Map args = [:]) {
    Map defaults = dbpromoteEngine.commonDefaults() << [label: null, retries: 0]
    Map a = dbpromoteEngine.arguments('dbPromotionReaper', defaults, args)
    Map result = [:]
    Closure reap = {
        checkout scm
        stage('Reap expired environments') {
            Map engineArgs = [config: a.config, engine: a.engine, credentials: [:], dryRun: a.dryRun]
            Map check = dbpromoteEngine.run(step: 'dbPromotionReaper', command: ['check'], args: engineArgs, options: [:],
                    envKey: null, publish: false).result
            Map credentials = dbpromoteEngine.mergeCredentials(reaperCredentialLayers(check, (a.credentials ?: [:]) as Map))
            result = dbpromoteEngine.run(step: 'dbPromotionReaper', command: ['env', 'reap'], args: engineArgs + [credentials: credentials],
                    options: [:], envKey: null, retries: a.retries).result
        }
    }
    if (a.label) {
        node(a.label as String, reap)
    } else {
        node(reap)
    }
    return result
}

/** The credential layers: every per-PR environment's in dbpromote.yaml, then the argument's (which win). */
@NonCPS
List reaperCredentialLayers(Map check, Map fromArgs) {
    List layers = ((check?.environments ?: [:]) as Map).values().findAll { it instanceof Map && it.strategy == 'clone' }
            .collect { (it.credentials ?: [:]) as Map }
    layers << fromArgs
    return layers
}
