package dev.dbpromote.deploy;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a person looks at first when a rollout fails: the workload's pods that are not ready, why
 * (container waiting/terminated reasons), their events and their last log lines. Best effort: a
 * failure to read any of it is noted, never thrown, so it cannot hide the rollout failure itself.
 */
final class PodDiagnostics {

    static final int LOG_LINES = 20;

    private final KubeConnection c;

    PodDiagnostics(KubeConnection c) {
        this.c = c;
    }

    List<String> collect(Manifest workload) {
        List<String> out = new ArrayList<>();
        CoreV1Api core = new CoreV1Api(c.client());
        try {
            AppsV1Api apps = new AppsV1Api(c.client());
            V1LabelSelector selector = workload.kind().equals("StatefulSet")
                    ? apps.readNamespacedStatefulSet(workload.name(), workload.namespace()).execute().getSpec().getSelector()
                    : apps.readNamespacedDeployment(workload.name(), workload.namespace()).execute().getSpec().getSelector();
            String labelSelector = selector.getMatchLabels() == null ? null : selector.getMatchLabels().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            List<V1Pod> pods = core.listNamespacedPod(workload.namespace()).labelSelector(labelSelector).execute().getItems();
            List<V1Pod> failing = pods.stream().filter(p -> !ready(p)).toList();
            if (failing.isEmpty()) {
                out.add(workload.id() + ": no failing pods found (" + pods.size() + " pods match its selector)");
            }
            for (V1Pod pod : failing.subList(0, Math.min(3, failing.size()))) {
                String name = pod.getMetadata().getName();
                out.add("pod " + name + ": phase " + (pod.getStatus() == null ? "?" : pod.getStatus().getPhase()) + reasons(pod));
                try {
                    // Filtered here rather than with a field selector: events live one hour, so the list is
                    // short, and this works on every API server (and on the test's mock server).
                    List<CoreV1Event> events = core.listNamespacedEvent(workload.namespace()).execute().getItems();
                    events.stream().filter(e -> e.getInvolvedObject() != null && name.equals(e.getInvolvedObject().getName())).sorted(Comparator.comparing(e -> e.getLastTimestamp() == null ? "" : e.getLastTimestamp().toString()))
                            .forEach(e -> out.add("  event " + e.getType() + " " + e.getReason() + ": " + e.getMessage()
                                    + (e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "")));
                } catch (ApiException e) {
                    out.add("  (events not readable: " + e.getCode() + ")");
                }
                try {
                    String log = core.readNamespacedPodLog(name, workload.namespace()).tailLines(LOG_LINES).execute();
                    if (log != null && !log.isBlank()) {
                        out.add("  last log lines:");
                        log.lines().forEach(l -> out.add("    | " + l));
                    }
                } catch (ApiException e) {
                    out.add("  (no logs: " + (e.getCode() == 400 ? "container not started" : "HTTP " + e.getCode()) + ")");
                }
            }
        } catch (ApiException | RuntimeException e) {
            out.add("(could not read pods of " + workload.id() + ": " + e.getMessage() + ")");
        }
        return out;
    }

    private static boolean ready(V1Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String reasons(V1Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (V1ContainerStatus s : p.getStatus().getContainerStatuses()) {
            if (s.getState() != null && s.getState().getWaiting() != null) {
                b.append(", ").append(s.getName()).append(" waiting: ").append(s.getState().getWaiting().getReason())
                        .append(s.getState().getWaiting().getMessage() == null ? "" : " (" + s.getState().getWaiting().getMessage() + ")");
            } else if (s.getState() != null && s.getState().getTerminated() != null) {
                b.append(", ").append(s.getName()).append(" terminated: ").append(s.getState().getTerminated().getReason())
                        .append(" exit ").append(s.getState().getTerminated().getExitCode());
            }
            if (s.getRestartCount() != null && s.getRestartCount() > 0) {
                b.append(", restarts ").append(s.getRestartCount());
            }
        }
        return b.toString();
    }
}
