package dev.dbpromote.clone.aws;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.env.Names;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * {@code dbpromote snapshot}: a manual snapshot of an in-place environment's RDS instance, tagged and
 * waited for: the rollback point before production migrations.
 */
public final class CreateSnapshot {

    /** The snapshot made. */
    public record Result(String snapshotId, String instance, String status, Duration duration, Map<String, String> tags) {
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RdsClient rds;
    private final Waits waits;
    private final Progress progress;
    private final Clock clock;

    public CreateSnapshot(RdsClient rds, Waits waits, Progress progress, Clock clock) {
        this.rds = rds;
        this.waits = waits;
        this.progress = progress;
        this.clock = clock;
    }

    public Result run(String app, String env, String instance, String createdBy, boolean dryRun) {
        Instant start = clock.instant();
        String base = Names.of(app, env, null).rdsIdentifier();
        String id = (base.length() > 46 ? base.substring(0, 46).replaceAll("-+$", "") : base) + "-" + STAMP.format(start);
        Map<String, String> tags = ManagedTags.of(app, env, null, null, createdBy);
        List<Tag> tagList = tags.entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList();
        try {
            AwsErrors.call("DescribeDBInstances " + instance, () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance)));
        } catch (DbPromoteException e) {
            if (e.getCause() instanceof DbInstanceNotFoundException) {
                throw DbPromoteException.invalid("RDS instance '" + instance + "' of environment '" + env + "' not found. Check"
                        + " environments." + env + ".database.rds.instance (or source.rds.instance) and the region.", e.getCause());
            }
            throw e;
        }
        if (dryRun) {
            progress.line("dry run: would create snapshot %s of %s with tags %s", id, instance, tags);
            return new Result(id, instance, "planned", Duration.ZERO, tags);
        }
        AwsErrors.call("CreateDBSnapshot " + id, () -> rds.createDBSnapshot(r -> r.dbSnapshotIdentifier(id)
                .dbInstanceIdentifier(instance).tags(tagList)));
        progress.line("creating snapshot %s of %s", id, instance);
        String status = waits.until("snapshot " + id, () -> AwsErrors.call("DescribeDBSnapshots " + id,
                        () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(id))).dbSnapshots().get(0).status(),
                Set.of("available"), Set.of("failed", "deleting"), "Do not migrate production without it: check the RDS console and"
                        + " re-run 'dbpromote snapshot'.", progress);
        return new Result(id, instance, status, Duration.between(start, clock.instant()), tags);
    }
}
