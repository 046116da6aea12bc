package dev.dbpromote.deploy;

import dev.dbpromote.core.Progress;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import java.time.Duration;
import java.time.Instant;

/**
 * Polls a workload until {@link RolloutStatus} says done or failed, or the timeout passes. The poll
 * interval starts short and grows to a cap (0.5 s, ×1.5, at most 5 s), and a progress line is printed
 * whenever kubectl's message changes.
 */
final class RolloutWaiter {

    private final KubeConnection c;
    private final Progress progress;
    private final Sleeper sleeper;

    /** Injected so tests can play the controller between polls. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    RolloutWaiter(KubeConnection c, Progress progress, Sleeper sleeper) {
        this.c = c;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    RolloutStatus await(Manifest workload, Duration timeout, long minGeneration) {
        return await(workload, Instant.now().plus(timeout), timeout, minGeneration);
    }

    RolloutStatus await(Manifest workload, Instant deadline, Duration timeout) {
        return await(workload, deadline, timeout, 0);
    }

    /**
     * @param deadline shared by all workloads of one deploy; {@code timeout} is the figure named in messages
     * @param minGeneration the {@code metadata.generation} our own apply produced (0: unknown): the status is not
     *     about our change until the controller has observed at least that generation, even if a read (from an
     *     API server's watch cache) still shows the object before it
     */
    RolloutStatus await(Manifest workload, Instant deadline, Duration timeout, long minGeneration) {
        long interval = 500;
        String last = null;
        while (true) {
            RolloutStatus status = read(workload, minGeneration);
            if (!status.message().equals(last)) {
                progress.line("  %s", status.message());
                last = status.message();
            }
            if (status.state() != RolloutStatus.State.WAITING) {
                return status;
            }
            if (Instant.now().isAfter(deadline)) {
                return new RolloutStatus(RolloutStatus.State.FAILED, workload.id() + " did not finish rolling out within "
                        + dev.dbpromote.config.Durations.format(timeout) + "; last: " + status.message());
            }
            try {
                sleeper.sleep(Math.min(interval, Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new RolloutStatus(RolloutStatus.State.FAILED, "interrupted while waiting for " + workload.id());
            }
            interval = Math.min(5000, (long) (interval * 1.5));
        }
    }

    private RolloutStatus read(Manifest w, long minGeneration) {
        AppsV1Api apps = new AppsV1Api(c.client());
        try {
            if (w.kind().equals("StatefulSet")) {
                var sts = apps.readNamespacedStatefulSet(w.name(), w.namespace()).execute();
                if (sts.getMetadata().getGeneration() == null || sts.getMetadata().getGeneration() < minGeneration) {
                    sts.getMetadata().setGeneration(minGeneration);
                }
                return RolloutStatus.of(sts);
            }
            var d = apps.readNamespacedDeployment(w.name(), w.namespace()).execute();
            if (d.getMetadata().getGeneration() == null || d.getMetadata().getGeneration() < minGeneration) {
                d.getMetadata().setGeneration(minGeneration);
            }
            return RolloutStatus.of(d);
        } catch (ApiException e) {
            throw KubeErrors.of(c, e, "get", "apps", KubeKinds.plural(w.kind()), w.namespace(), w.name());
        }
    }

    static Sleeper realTime() {
        return Thread::sleep;
    }
}
