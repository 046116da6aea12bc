package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1DeploymentStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1RollingUpdateStatefulSetStrategy;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import io.kubernetes.client.openapi.models.V1StatefulSetStatus;
import io.kubernetes.client.openapi.models.V1StatefulSetUpdateStrategy;
import org.junit.jupiter.api.Test;

/** kubectl's rollout-status rules, one read at a time (pure logic, no server needed). */
class RolloutStatusTest {

    static V1Deployment deployment(long generation, int replicas, V1DeploymentStatus status) {
        return new V1Deployment().metadata(new V1ObjectMeta().name("orders").generation(generation))
                .spec(new V1DeploymentSpec().replicas(replicas)).status(status);
    }

    @Test
    void deploymentRulesInKubectlsOrder() {
        assertEquals("Waiting for deployment spec update to be observed...",
                RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(1L))).message());
        assertEquals("Waiting for deployment \"orders\" rollout to finish: 1 out of 3 new replicas have been updated...",
                RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(2L).updatedReplicas(1).replicas(4))).message());
        assertEquals("Waiting for deployment \"orders\" rollout to finish: 1 old replicas are pending termination...",
                RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(2L).updatedReplicas(3).replicas(4))).message());
        assertEquals("Waiting for deployment \"orders\" rollout to finish: 2 of 3 updated replicas are available...",
                RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(2L).updatedReplicas(3).replicas(3)
                        .availableReplicas(2))).message());
        RolloutStatus done = RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(2L).updatedReplicas(3)
                .replicas(3).availableReplicas(3)));
        assertEquals(RolloutStatus.State.DONE, done.state());
        RolloutStatus stuck = RolloutStatus.of(deployment(2, 3, new V1DeploymentStatus().observedGeneration(2L)
                .addConditionsItem(new io.kubernetes.client.openapi.models.V1DeploymentCondition().type("Progressing")
                        .status("False").reason("ProgressDeadlineExceeded"))));
        assertEquals(RolloutStatus.State.FAILED, stuck.state());
        assertEquals("deployment \"orders\" exceeded its progress deadline", stuck.message());
    }

    static V1StatefulSet sts(long generation, V1StatefulSetUpdateStrategy strategy, V1StatefulSetStatus status) {
        return new V1StatefulSet().metadata(new V1ObjectMeta().name("db").generation(generation))
                .spec(new V1StatefulSetSpec().replicas(3).updateStrategy(strategy)).status(status);
    }

    @Test
    void statefulSetRulesInKubectlsOrder() {
        V1StatefulSetUpdateStrategy rolling = new V1StatefulSetUpdateStrategy().type("RollingUpdate");
        assertEquals(RolloutStatus.State.FAILED, RolloutStatus.of(sts(1, new V1StatefulSetUpdateStrategy().type("OnDelete"),
                new V1StatefulSetStatus())).state());
        assertEquals("Waiting for statefulset spec update to be observed...",
                RolloutStatus.of(sts(1, rolling, new V1StatefulSetStatus().observedGeneration(0L))).message());
        assertEquals("Waiting for 2 pods to be ready...",
                RolloutStatus.of(sts(1, rolling, new V1StatefulSetStatus().observedGeneration(1L).readyReplicas(1))).message());
        assertEquals("waiting for statefulset rolling update to complete 2 pods at revision db-2...",
                RolloutStatus.of(sts(1, rolling, new V1StatefulSetStatus().observedGeneration(1L).readyReplicas(3).updatedReplicas(2)
                        .updateRevision("db-2").currentRevision("db-1"))).message());
        assertEquals(RolloutStatus.State.DONE, RolloutStatus.of(sts(1, rolling, new V1StatefulSetStatus().observedGeneration(1L)
                .readyReplicas(3).currentReplicas(3).updateRevision("db-2").currentRevision("db-2"))).state());
        V1StatefulSetUpdateStrategy partitioned = new V1StatefulSetUpdateStrategy().type("RollingUpdate")
                .rollingUpdate(new V1RollingUpdateStatefulSetStrategy().partition(2));
        assertEquals("Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...",
                RolloutStatus.of(sts(1, partitioned, new V1StatefulSetStatus().observedGeneration(1L).readyReplicas(3)
                        .updatedReplicas(0))).message());
    }
}
