package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.EnvironmentConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", description = "Validate dbpromote.yaml (keys, types, placeholders, values). Exit 0 when valid, 2 when not.")
final class CheckCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    SharedOptions options;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Config config = context.loadConfig(options);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("success", true);
        summary.put("config", config.file().toString());
        summary.put("app", config.app());
        summary.put("source", config.source().kind().name().toLowerCase());
        // What the Jenkins pipeline needs to lay out its stages and gates, in config order.
        summary.put("promote", Map.of("from", config.promote().from(), "gateTimeout", config.promote().gateTimeout()));
        Map<String, Object> envs = new LinkedHashMap<>();
        for (Map.Entry<String, EnvironmentConfig> e : config.environments().entrySet()) {
            EnvironmentConfig env = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("strategy", env.database().strategy());
            if (env.database().ttl() != null) {
                m.put("ttl", env.database().ttl());
            }
            m.put("protected", env.isProtected());
            m.put("snapshotBefore", env.database().snapshotBefore());
            m.put("approvers", env.approvers());
            if (env.namespace() != null) {
                m.put("namespace", env.namespace());
            }
            m.put("warnOnly", env.warnOnly());
            if (env.credentials() != null) {
                m.put("credentials", env.credentials());
            }
            envs.put(e.getKey(), m);
        }
        summary.put("environments", envs);
        // Whether dbpromote deploys this service at all: the pipeline skips its Deploy stages when not.
        Map<String, Object> deploy = new LinkedHashMap<>();
        deploy.put("enabled", config.deploy() != null);
        if (config.deploy() == null) {
            deploy.put("reason", dev.dbpromote.deploy.K8sDeploy.NOT_DEPLOYED);
        } else {
            deploy.put("manifests", config.deploy().manifests());
        }
        summary.put("deploy", deploy);
        if (options.json()) {
            context.out().println(dev.dbpromote.core.Json.write(summary));
        } else {
            context.out().println(config.file() + " is valid: app " + config.app() + ", source " + summary.get("source")
                    + ", promote from " + config.promote().from());
            config.environments().forEach((name, env) -> context.out().println("  " + name + ": " + env.database().strategy()
                    + (env.database().ttl() != null ? ", ttl " + env.database().ttl() : "")
                    + (env.isProtected() ? ", protected" : "")
                    + (env.approvers().isEmpty() ? "" : ", approvers " + String.join(",", env.approvers()))));
            context.out().println("  deploy: " + (config.deploy() == null ? "not deployed by dbpromote (no deploy: section)"
                    : "manifests " + config.deploy().manifests()));
        }
        return ExitCode.OK;
    }
}
