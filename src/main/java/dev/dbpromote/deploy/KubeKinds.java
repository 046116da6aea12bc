package dev.dbpromote.deploy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What dbpromote needs to know about a kind without asking the cluster's discovery API: its REST
 * plural, whether it is cluster-scoped, and its place in the apply order (Namespace, ServiceAccount,
 * ConfigMap/Secret, Service, Deployment/StatefulSet, Ingress, others — what must exist before what
 * refers to it).
 */
final class KubeKinds {

    private static final List<Set<String>> ORDER = List.of(
            Set.of("Namespace"),
            Set.of("ServiceAccount"),
            Set.of("ConfigMap", "Secret"),
            Set.of("Service"),
            Set.of("Deployment", "StatefulSet"),
            Set.of("Ingress"));

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "ClusterRole",
            "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition", "PriorityClass", "IngressClass",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "RuntimeClass",
            "CSIDriver", "VolumeAttachment");

    private static final Map<String, String> IRREGULAR = Map.of("Endpoints", "endpoints");

    private KubeKinds() {
    }

    static int rank(String kind) {
        for (int i = 0; i < ORDER.size(); i++) {
            if (ORDER.get(i).contains(kind)) {
                return i;
            }
        }
        return ORDER.size();
    }

    static boolean clusterScoped(String kind) {
        return CLUSTER_SCOPED.contains(kind);
    }

    /** The resource name in URLs: {@code Ingress -> ingresses}, {@code NetworkPolicy -> networkpolicies}. */
    static String plural(String kind) {
        String irregular = IRREGULAR.get(kind);
        if (irregular != null) {
            return irregular;
        }
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.endsWith("s") || k.endsWith("x") || k.endsWith("ch") || k.endsWith("sh")) {
            return k + "es";
        }
        if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
            return k.substring(0, k.length() - 1) + "ies";
        }
        return k + "s";
    }
}
