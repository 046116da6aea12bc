package dev.dbpromote.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * CustomResourceDefinitions deployed together with resources of their kind: the kind is served only once
 * the CRD's {@code Established} condition is True, so the resources wait for that, as
 * {@code kubectl wait --for condition=established crd/NAME} does.
 */
final class CrdWaiter {

    private final KubeConnection c;
    private final Progress progress;
    private final RolloutWaiter.Sleeper sleeper;

    CrdWaiter(KubeConnection c, Progress progress, RolloutWaiter.Sleeper sleeper) {
        this.c = c;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    /** The plural and scope {@code m}'s kind gets from a CRD among {@code crds}, if one defines it. */
    static Optional<KubeDiscovery.Resource> defines(List<Manifest> crds, Manifest m) {
        for (Manifest crd : crds) {
            JsonNode spec = Json.mapper().valueToTree(crd.body()).path("spec");
            if (m.group().equals(spec.path("group").asText()) && m.kind().equals(spec.at("/names/kind").asText())) {
                for (JsonNode v : spec.path("versions")) {
                    if (m.version().equals(v.path("name").asText())) {
                        return Optional.of(new KubeDiscovery.Resource(spec.at("/names/plural").asText(),
                                !"Cluster".equals(spec.path("scope").asText())));
                    }
                }
            }
        }
        return Optional.empty();
    }

    void await(List<Manifest> crds, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        KubeApplier reader = new KubeApplier(c, progress, false, false);
        for (Manifest crd : crds) {
            progress.line("Waiting for %s to be established", crd.id());
            long interval = 200;
            while (true) {
                JsonNode o = reader.read(crd).orElse(Json.mapper().createObjectNode());
                boolean established = false;
                for (JsonNode cond : o.at("/status/conditions")) {
                    established |= "Established".equals(cond.path("type").asText()) && "True".equals(cond.path("status").asText());
                }
                if (established) {
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw DbPromoteException.external(crd.id() + " was applied but not Established within "
                            + Durations.format(timeout) + ", so its custom resources were not applied. Check it with"
                            + " kubectl describe crd " + crd.name() + ".");
                }
                try {
                    sleeper.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw DbPromoteException.external("interrupted while waiting for " + crd.id());
                }
                interval = Math.min(2000, interval * 2);
            }
        }
    }
}
