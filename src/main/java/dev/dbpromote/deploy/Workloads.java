package dev.dbpromote.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading pod templates out of manifest bodies. */
final class Workloads {

    private Workloads() {
    }

    /** Container images of a workload's pod template (containers and init containers). */
    static List<String> images(String kind, Map<String, Object> body) {
        Object podSpec = switch (kind) {
            case "Pod" -> body.get("spec");
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> path(body, "spec", "template", "spec");
            case "CronJob" -> path(body, "spec", "jobTemplate", "spec", "template", "spec");
            default -> null;
        };
        List<String> images = new ArrayList<>();
        if (podSpec instanceof Map<?, ?> spec) {
            for (String key : List.of("initContainers", "containers")) {
                if (spec.get(key) instanceof List<?> containers) {
                    for (Object c : containers) {
                        if (c instanceof Map<?, ?> container && container.get("image") instanceof String image) {
                            images.add(image);
                        }
                    }
                }
            }
        }
        return images;
    }

    private static Object path(Map<String, Object> body, String... keys) {
        Object node = body;
        for (String k : keys) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(k);
        }
        return node;
    }
}
