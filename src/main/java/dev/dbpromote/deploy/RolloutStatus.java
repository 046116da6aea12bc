package dev.dbpromote.deploy;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentCondition;
import io.kubernetes.client.openapi.models.V1DeploymentStatus;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetStatus;

/**
 * The rules of {@code kubectl rollout status} (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go),
 * applied to one read of the object: done, still waiting (with kubectl's message), or failed.
 *
 * @param state where the rollout is
 * @param message kubectl's wording, e.g. {@code Waiting for deployment "orders" rollout to finish: 1 of 2 updated replicas are available...}
 */
public record RolloutStatus(State state, String message) {

    public enum State { WAITING, DONE, FAILED }

    static RolloutStatus of(V1Deployment d) {
        String name = d.getMetadata().getName();
        V1DeploymentStatus s = d.getStatus() == null ? new V1DeploymentStatus() : d.getStatus();
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        if (generation > observed) {
            return waiting("Waiting for deployment spec update to be observed...");
        }
        if (s.getConditions() != null) {
            for (V1DeploymentCondition c : s.getConditions()) {
                if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                    return new RolloutStatus(State.FAILED, "deployment \"" + name + "\" exceeded its progress deadline"
                            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"));
                }
            }
        }
        int replicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
        int updated = n(s.getUpdatedReplicas());
        if (replicas >= 0 && updated < replicas) {
            return waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + updated + " out of " + replicas
                    + " new replicas have been updated...");
        }
        if (n(s.getReplicas()) > updated) {
            return waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + (n(s.getReplicas()) - updated)
                    + " old replicas are pending termination...");
        }
        if (n(s.getAvailableReplicas()) < updated) {
            return waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + n(s.getAvailableReplicas())
                    + " of " + updated + " updated replicas are available...");
        }
        return new RolloutStatus(State.DONE, "deployment \"" + name + "\" successfully rolled out");
    }

    static RolloutStatus of(V1StatefulSet sts) {
        String type = sts.getSpec() == null || sts.getSpec().getUpdateStrategy() == null ? "RollingUpdate"
                : sts.getSpec().getUpdateStrategy().getType();
        if (type != null && !"RollingUpdate".equals(type)) {
            return new RolloutStatus(State.FAILED, "rollout status is only available for RollingUpdate strategy type"
                    + " (statefulset \"" + sts.getMetadata().getName() + "\" uses " + type + ")");
        }
        V1StatefulSetStatus s = sts.getStatus() == null ? new V1StatefulSetStatus() : sts.getStatus();
        long generation = sts.getMetadata().getGeneration() == null ? 0 : sts.getMetadata().getGeneration();
        long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        if (observed == 0 || generation > observed) {
            return waiting("Waiting for statefulset spec update to be observed...");
        }
        int replicas = sts.getSpec() == null || sts.getSpec().getReplicas() == null ? -1 : sts.getSpec().getReplicas();
        if (replicas >= 0 && n(s.getReadyReplicas()) < replicas) {
            return waiting("Waiting for " + (replicas - n(s.getReadyReplicas())) + " pods to be ready...");
        }
        var rolling = sts.getSpec() == null || sts.getSpec().getUpdateStrategy() == null ? null
                : sts.getSpec().getUpdateStrategy().getRollingUpdate();
        if (rolling != null && rolling.getPartition() != null && replicas >= 0) {
            int partition = rolling.getPartition();
            if (n(s.getUpdatedReplicas()) < replicas - partition) {
                return waiting("Waiting for partitioned roll out to finish: " + n(s.getUpdatedReplicas()) + " out of "
                        + (replicas - partition) + " new pods have been updated...");
            }
            return new RolloutStatus(State.DONE, "partitioned roll out complete: " + n(s.getUpdatedReplicas())
                    + " new pods have been updated...");
        }
        if (s.getUpdateRevision() != null && !s.getUpdateRevision().equals(s.getCurrentRevision())) {
            return waiting("waiting for statefulset rolling update to complete " + n(s.getUpdatedReplicas())
                    + " pods at revision " + s.getUpdateRevision() + "...");
        }
        return new RolloutStatus(State.DONE, "statefulset rolling update complete " + n(s.getCurrentReplicas())
                + " pods at revision " + s.getCurrentRevision() + "...");
    }

    private static RolloutStatus waiting(String message) {
        return new RolloutStatus(State.WAITING, message);
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
