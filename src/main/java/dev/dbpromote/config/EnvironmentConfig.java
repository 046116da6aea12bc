package dev.dbpromote.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One stage of the promotion (dev, staging, production).
 *
 * @param protected_ never a deletion candidate, whatever its tags say
 * @param namespace Kubernetes namespace; may use {@code ${PR}}, {@code ${APP}}, {@code ${ENV}}
 * @param approvers Jenkins users/groups allowed to approve the gate into this environment
 * @param warnOnly validation failures here make the build UNSTABLE rather than FAILED
 * @param credentials Jenkins credential ids the pipeline binds for this environment
 */
public record EnvironmentConfig(
        @JsonProperty("protected") Boolean protected_,
        @JsonProperty(required = true) DatabaseConfig database,
        String namespace,
        List<String> approvers,
        Boolean warnOnly,
        JenkinsCredentials credentials) {

    public EnvironmentConfig {
        protected_ = protected_ != null && protected_;
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        warnOnly = warnOnly != null && warnOnly;
    }

    public boolean isProtected() {
        return protected_;
    }

    /** Each pull request gets its own: a clone database, or a namespace named with {@code ${PR}}. */
    public boolean perPullRequest() {
        return database.isClone() || namespace != null && namespace.contains("${PR");
    }
}
