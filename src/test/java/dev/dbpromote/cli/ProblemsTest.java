package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.deploy.DeployResult;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The deploy part of the {@code problem} text the Jenkins console shows (issue 13 item 1). */
class ProblemsTest {

    private static DeployResult deploy(boolean success, String runningImage, List<String> diagnostics) {
        return new DeployResult(success, success ? "rolled-out" : "rolled-back", "dev-pr-42", "orders-pr-42", "exists",
                "kind", "registry/orders@sha256:bbb", "sha256:bbb", runningImage, List.of(), List.of("Deployment/orders"),
                List.of(new DeployResult.Rollout("Deployment/orders", success ? "complete" : "timeout",
                        "1 of 2 updated replicas are available", success ? null : "rolled-back", 3L, runningImage)),
                diagnostics, List.of(), null);
    }

    @Test
    void aFailedDeployNamesTheWorkloadThePodReasonsAndTheImageNowRunning() {
        String text = Problems.deploy(deploy(false, "registry/orders@sha256:aaa",
                List.of("pod orders-7d9f-x: ImagePullBackOff (Back-off pulling image \"registry/orders@sha256:bbb\")")));

        assertTrue(text.startsWith("deploy dev-pr-42: rolled-back in namespace orders-pr-42 (image registry/orders@sha256:bbb)"), text);
        assertTrue(text.contains("  Deployment/orders: timeout — 1 of 2 updated replicas are available"), text);
        assertTrue(text.contains("  now running: registry/orders@sha256:aaa"), text);
        assertTrue(text.contains("ImagePullBackOff"), text);
    }

    @Test
    void podReasonsAreCutAtTenWithHowManyMore() {
        List<String> many = IntStream.rangeClosed(1, 13).mapToObj(i -> "pod p" + i + ": CrashLoopBackOff").toList();
        String text = Problems.deploy(deploy(false, null, many));

        assertTrue(text.contains("pod p10: CrashLoopBackOff"), text);
        assertTrue(!text.contains("pod p11:"), text);
        assertTrue(text.contains("and 3 more (see the report)"), text);
        assertEquals(-1, text.indexOf("now running"), "no undo happened: the image running is not claimed");
    }

    @Test
    void aSuccessfulDeployHasNoProblem() {
        assertNull(Problems.deploy(deploy(true, "registry/orders@sha256:bbb", List.of())));
    }
}
