package dev.dbpromote.deploy;

import io.kubernetes.client.util.ModelMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What dbpromote knows about a built-in kind without asking the cluster's discovery API: its REST
 * plural, whether it is cluster-scoped, and its place in the apply order. Kinds the Kubernetes client
 * does not know (custom resources) are resolved by {@link KubeDiscovery} against the API server.
 *
 * <p>The apply order is Helm's install order (helm.sh/helm/v3/pkg/releaseutil/kind_sorter.go), which
 * puts what is referred to before what refers to it: the namespace, CRDs and storage before the
 * claims that use them, identities and config before workloads, PersistentVolumeClaims before the
 * Deployments/StatefulSets that mount them; kinds it does not list (custom resources) come last.
 */
final class KubeKinds {

    private static final List<Set<String>> ORDER = List.of(
            Set.of("Namespace"),
            Set.of("CustomResourceDefinition"),
            Set.of("NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget"),
            Set.of("ServiceAccount"),
            Set.of("Secret"),
            Set.of("ConfigMap"),
            Set.of("StorageClass"),
            Set.of("PersistentVolume"),
            Set.of("PersistentVolumeClaim"),
            Set.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
            Set.of("Service"),
            Set.of("DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "StatefulSet"),
            Set.of("HorizontalPodAutoscaler", "Job", "CronJob"),
            Set.of("IngressClass", "Ingress"),
            Set.of("APIService"));

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "ClusterRole",
            "ClusterRoleBinding", "StorageClass", "CustomResourceDefinition", "PriorityClass", "IngressClass",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "RuntimeClass",
            "CSIDriver", "CSINode", "VolumeAttachment", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration");

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

    /** Rank in the apply order; custom resources after every built-in kind. */
    static int rank(Manifest m) {
        return builtIn(m.apiVersion(), m.kind()) ? rank(m.kind()) : ORDER.size() + 1;
    }

    static boolean clusterScoped(String kind) {
        return CLUSTER_SCOPED.contains(kind);
    }

    /** A kind the Kubernetes client has a model for ({@code apps/v1 Deployment}); anything else needs discovery. */
    static boolean builtIn(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
        return ModelMapper.preBuiltGetApiTypeClass(group, version, kind) != null;
    }

    /**
     * A group only Kubernetes itself serves: the core group and dot-less groups ({@code apps}, {@code batch})
     * and {@code *.k8s.io}. A CRD's group must contain a dot, and {@code k8s.io}/{@code kubernetes.io} groups
     * need an API review, so an unknown kind there is a typo, not a custom resource.
     */
    static boolean kubernetesGroup(String apiVersion) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return !group.contains(".") || group.endsWith(".k8s.io") || group.equals("k8s.io")
                || group.endsWith(".kubernetes.io");
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
