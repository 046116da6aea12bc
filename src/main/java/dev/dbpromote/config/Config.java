package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dbpromote.core.DbPromoteException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code dbpromote.yaml}: everything that differs between repositories. Immutable; read with
 * {@link ConfigLoader}. Relative paths in it resolve against {@link #baseDir()}, the folder the file
 * is in (the repository root in Jenkins).
 */
public record Config(
        @JsonProperty(required = true) String app,
        @JsonProperty(required = true) SourceConfig source,
        MigrationsConfig migrations,
        DeployConfig deploy,
        ValidateConfig validate,
        PromoteConfig promote,
        @JsonProperty(required = true) Map<String, EnvironmentConfig> environments,
        /* Set by the loader, not read from YAML. */
        @JsonProperty(access = JsonProperty.Access.READ_ONLY) Path file) {

    public Config {
        migrations = migrations == null ? MigrationsConfig.DEFAULT : migrations;
        promote = promote == null ? PromoteConfig.DEFAULT : promote;
        // In file order: the promotion runs the environments in the order dbpromote.yaml lists them.
        environments = environments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environments));
    }

    Config withFile(Path path) {
        return new Config(app, source, migrations, deploy, validate, promote, environments, path);
    }

    /** The folder relative paths are resolved against. */
    public Path baseDir() {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** Where reports and environment records go: {@code .dbpromote/} beside the config file. */
    public Path stateDir() {
        return baseDir().resolve(".dbpromote");
    }

    public Path resolve(String relative) {
        return baseDir().resolve(relative).normalize();
    }

    /** The environment named {@code name}, or an error listing the configured ones. */
    public EnvironmentConfig environment(String name) {
        EnvironmentConfig env = environments.get(name);
        if (env == null) {
            throw DbPromoteException.invalid("Environment '" + name + "' is not defined in " + file
                    + ". Defined environments: " + List.copyOf(environments.keySet())
                    + ". Pass one of them with --env, or add '" + name + "' under 'environments'.");
        }
        return env;
    }
}
