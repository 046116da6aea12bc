package dev.dbpromote.clone.aws;

import dev.dbpromote.clone.CloneSpec;
import dev.dbpromote.clone.ClonedDatabase;
import dev.dbpromote.clone.DatabaseCloner;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.SourceConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.env.ManagedTags;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.InsufficientDbInstanceCapacityException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Clones an RDS MySQL instance by restoring a snapshot (the newest available, automated or manual; or
 * {@code source.rds.snapshot}) or a point in time ({@code source.rds.restoreTime}: ISO instant or
 * {@code latest}) into a new instance with the environment's class, subnet group, security groups and
 * parameter group. Our tags are always passed on the restore call itself: without them RDS copies the
 * source's tags onto the new instance.
 */
public final class RdsSnapshotCloner implements DatabaseCloner {

    static final Set<String> FAILED = Set.of("failed", "incompatible-restore", "incompatible-parameters", "incompatible-network",
            "storage-full", "deleting", "inaccessible-encryption-credentials");

    private final RdsClient rds;
    private final SourceConfig.RdsSource source;
    private final DatabaseConfig target;
    private final String sourceDatabase;
    private final Waits waits;

    public RdsSnapshotCloner(RdsClient rds, SourceConfig.RdsSource source, DatabaseConfig target, String sourceDatabase, Waits waits) {
        this.rds = rds;
        this.source = source;
        this.target = target;
        this.sourceDatabase = sourceDatabase;
        this.waits = waits;
    }

    @Override
    public String provider() {
        return "rds";
    }

    @Override
    public Optional<ClonedDatabase> find(String name) {
        return describe(name).map(this::toClone);
    }

    Optional<DBInstance> describe(String id) {
        return AwsErrors.find("DescribeDBInstances " + id, DbInstanceNotFoundException.class,
                () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().stream().findFirst());
    }

    @Override
    public ClonedDatabase create(CloneSpec spec, Progress progress) {
        DBInstance src = describe(source.instance()).orElseThrow(() -> DbPromoteException.invalid("Source RDS instance '"
                + source.instance() + "' not found in this region. Check source.rds.instance and source.rds.region (or AWS_REGION)."));
        List<Tag> tags = spec.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList();
        String name = spec.name();
        if (describe(name).map(i -> "deleting".equals(i.dbInstanceStatus())).orElse(false)) {
            // Replacing (--fresh): RDS keeps the identifier taken until the old instance is gone.
            waits.until("old RDS instance " + name, () -> describe(name).map(DBInstance::dbInstanceStatus).orElse("deleted"),
                    Set.of("deleted"), Set.of(), "Wait for the deletion to finish and re-run the clone.", progress);
        }
        try {
            if (source.restoreTime() != null) {
                progress.line("restoring %s to %s into %s", source.instance(), source.restoreTime(), name);
                AwsErrors.call("RestoreDBInstanceToPointInTime " + name, () -> rds.restoreDBInstanceToPointInTime(r -> {
                    r.sourceDBInstanceIdentifier(source.instance()).targetDBInstanceIdentifier(name).tags(tags)
                            .dbInstanceClass(target.instanceClass()).dbSubnetGroupName(target.subnetGroup())
                            .dbParameterGroupName(target.parameterGroup()).copyTagsToSnapshot(false);
                    if (!target.securityGroups().isEmpty()) {
                        r.vpcSecurityGroupIds(target.securityGroups());
                    }
                    if ("latest".equalsIgnoreCase(source.restoreTime())) {
                        r.useLatestRestorableTime(true);
                    } else {
                        r.restoreTime(restoreTime());
                    }
                }));
            } else {
                DBSnapshot snapshot = chooseSnapshot(progress);
                progress.line("restoring snapshot %s (%s) of %s into %s", snapshot.dbSnapshotIdentifier(), snapshot.snapshotCreateTime(),
                        source.instance(), name);
                AwsErrors.call("RestoreDBInstanceFromDBSnapshot " + name, () -> rds.restoreDBInstanceFromDBSnapshot(r -> {
                    r.dbSnapshotIdentifier(snapshot.dbSnapshotIdentifier()).dbInstanceIdentifier(name).tags(tags)
                            .dbInstanceClass(target.instanceClass()).dbSubnetGroupName(target.subnetGroup())
                            .dbParameterGroupName(target.parameterGroup()).copyTagsToSnapshot(false);
                    if (!target.securityGroups().isEmpty()) {
                        r.vpcSecurityGroupIds(target.securityGroups());
                    }
                }));
            }
        } catch (DbPromoteException e) {
            if (e.getCause() instanceof DbInstanceAlreadyExistsException) {
                // Another run for this PR got there first (RDS's create call is our lock): wait until that run has
                // masked it and tagged it ready, then use it; never mask or hand out a clone twice concurrently.
                progress.line("%s is already being created by another run; waiting until it is ready", name);
                return awaitReady(name, progress);
            } else if (e.getCause() instanceof InsufficientDbInstanceCapacityException) {
                throw DbPromoteException.external("AWS has no capacity for instance class " + target.instanceClass()
                        + " right now (InsufficientDBInstanceCapacity). Retry later or set another instanceClass for this"
                        + " environment.", e.getCause());
            } else if (e.getCause() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a
                    && Set.of("InvalidParameterCombination", "InvalidParameterValue").contains(AwsErrors.code(a))) {
                throw DbPromoteException.invalid("RDS rejected the restore of '" + name + "': " + a.awsErrorDetails().errorMessage()
                        + ". Check instanceClass, subnetGroup, securityGroups and parameterGroup of this environment.", a);
            } else {
                throw e;
            }
        }
        waitAvailable(name, progress);
        return find(name).orElseThrow();
    }

    @Override
    public ClonedDatabase awaitReady(String name, Progress progress) {
        // Wait until the other run has masked it and tagged it ready, then use it; never mask or hand out a clone
        // twice concurrently.
        waits.until("RDS instance " + name + " (made by another run)", () -> describe(name)
                        .map(i -> "ready".equals(tags(i.tagList()).get(ManagedTags.STATE)) ? "ready" : i.dbInstanceStatus())
                        .orElse("not-found"), Set.of("ready"), union(FAILED, "not-found"),
                "The other run failed or is still masking; re-run the clone (a clone not ready once its "
                        + "dbpromote:lease-until tag has passed is replaced).", progress);
        return find(name).orElseThrow();
    }

    static Set<String> union(Set<String> a, String b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.add(b);
        return Set.copyOf(out);
    }

    @Override
    public java.time.Duration lease() {
        // The restore wait, the credential wait and masking: each is bounded by the wait timeout.
        return waits.timeout().multipliedBy(3);
    }

    @Override
    public boolean failed(ClonedDatabase clone) {
        return FAILED.contains(clone.status());
    }

    private Instant restoreTime() {
        try {
            return Instant.parse(source.restoreTime());
        } catch (DateTimeParseException e) {
            throw DbPromoteException.invalid("source.rds.restoreTime '" + source.restoreTime() + "' is not an ISO instant like"
                    + " 2026-11-20T03:00:00Z (or 'latest').");
        }
    }

    private DBSnapshot chooseSnapshot(Progress progress) {
        if (source.snapshot() != null) {
            DBSnapshot s;
            try {
                s = AwsErrors.call("DescribeDBSnapshots " + source.snapshot(),
                        () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(source.snapshot()))).dbSnapshots().get(0);
            } catch (DbPromoteException e) {
                if (e.getCause() instanceof DbSnapshotNotFoundException) {
                    throw DbPromoteException.invalid("Snapshot '" + source.snapshot() + "' not found. Latest snapshots of '" + source.instance()
                            + "': " + snapshots().stream().limit(5).map(DBSnapshot::dbSnapshotIdentifier).toList()
                            + ". Set source.rds.snapshot to one of them or omit it to use the latest.", e.getCause());
                }
                throw e;
            }
            return waitSnapshot(s, progress);
        }
        List<DBSnapshot> all = snapshots();
        Optional<DBSnapshot> available = all.stream().filter(s -> "available".equals(s.status())).findFirst();
        if (available.isPresent()) {
            return available.get();
        }
        Optional<DBSnapshot> creating = all.stream().filter(s -> "creating".equals(s.status())).findFirst();
        if (creating.isPresent()) {
            return waitSnapshot(creating.get(), progress);
        }
        throw DbPromoteException.invalid("RDS instance '" + source.instance() + "' has no snapshot yet. Enable automated backups,"
                + " create one with 'aws rds create-db-snapshot', or set source.rds.restoreTime to restore a point in time.");
    }

    private DBSnapshot waitSnapshot(DBSnapshot s, Progress progress) {
        if ("available".equals(s.status())) {
            return s;
        }
        String id = s.dbSnapshotIdentifier();
        waits.until("snapshot " + id, () -> AwsErrors.call("DescribeDBSnapshots " + id,
                        () -> rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(id))).dbSnapshots().get(0).status(),
                Set.of("available"), Set.of("failed", "deleting"), "Wait for the snapshot to finish, or set source.rds.snapshot"
                        + " to an available one.", progress);
        return s;
    }

    /** The source's snapshots, automated and manual, newest first (paginated). */
    List<DBSnapshot> snapshots() {
        List<DBSnapshot> out = new ArrayList<>();
        AwsErrors.call("DescribeDBSnapshots " + source.instance(), () -> {
            rds.describeDBSnapshotsPaginator(r -> r.dbInstanceIdentifier(source.instance())).dbSnapshots().forEach(out::add);
            return null;
        });
        out.sort(Comparator.comparing(DBSnapshot::snapshotCreateTime, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return out;
    }

    void waitAvailable(String id, Progress progress) {
        waits.until("RDS instance " + id, () -> describe(id).map(DBInstance::dbInstanceStatus).orElse("not-found"),
                Set.of("available"), FAILED, "The instance is tagged " + ManagedTags.MANAGED_BY + "=" + ManagedTags.MANAGED_BY_VALUE
                        + ", so 'dbpromote env destroy' or 'dbpromote env reap' removes it; re-run the clone to try again.", progress);
    }

    @Override
    public ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress) {
        AwsErrors.callWithSecret("ModifyDBInstance " + clone.name(), password, () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier(clone.name())
                .masterUserPassword(password.reveal()).applyImmediately(true)));
        progress.line("new master password requested for %s", clone.name());
        // The change is asynchronous: the instance goes through resetting-master-credentials.
        waitAvailable(clone.name(), progress);
        DBInstance i = describe(clone.name()).orElseThrow();
        ConnectionSpec master = new ConnectionSpec(i.endpoint().address(), i.endpoint().port(), null, i.masterUsername(), password);
        String database = RestoredDatabase.choose(master, sourceDatabase, i.dbName());
        AwsErrors.call("AddTagsToResource " + clone.name(), () -> rds.addTagsToResource(r -> r.resourceName(i.dbInstanceArn())
                .tags(Tag.builder().key(ManagedTags.DATABASE).value(database).build())));
        return master.withDatabase(database);
    }

    /** The database recorded when the clone got its credential; before that, what RDS reports. */
    private String database(DBInstance i) {
        String tagged = tags(i.tagList()).get(ManagedTags.DATABASE);
        return tagged != null ? tagged : i.dbName() != null ? i.dbName() : sourceDatabase;
    }

    @Override
    public void markReady(ClonedDatabase clone) {
        DBInstance i = describe(clone.name()).orElseThrow();
        AwsErrors.call("AddTagsToResource " + clone.name(), () -> rds.addTagsToResource(r -> r.resourceName(i.dbInstanceArn())
                .tags(Tag.builder().key(ManagedTags.STATE).value("ready").build())));
    }

    @Override
    public List<ClonedDatabase> list() {
        List<ClonedDatabase> out = new ArrayList<>();
        AwsErrors.call("DescribeDBInstances", () -> {
            rds.describeDBInstancesPaginator().dbInstances().forEach(i -> out.add(toClone(i)));
            return null;
        });
        return out;
    }

    @Override
    public void delete(ClonedDatabase clone, Progress progress) {
        DBInstance i = describe(clone.name()).orElse(null);
        if (i == null) {
            return;
        }
        // Re-read the tags from RDS itself: never delete on the strength of a stale record.
        if (!ManagedTags.isManaged(tags(i.tagList())) || clone.name().equals(source.instance())) {
            throw DbPromoteException.invalid("Refusing to delete RDS instance '" + clone.name() + "': it is not tagged "
                    + ManagedTags.MANAGED_BY + "=" + ManagedTags.MANAGED_BY_VALUE + ".");
        }
        AwsErrors.call("DeleteDBInstance " + clone.name(), () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier(clone.name())
                .skipFinalSnapshot(true).deleteAutomatedBackups(true)));
        progress.line("deleting RDS instance %s (no final snapshot)", clone.name());
    }

    private ClonedDatabase toClone(DBInstance i) {
        return new ClonedDatabase(provider(), i.dbInstanceIdentifier(), i.dbInstanceIdentifier(),
                i.endpoint() == null ? null : i.endpoint().address(), i.endpoint() == null || i.endpoint().port() == null ? 0
                : i.endpoint().port(), database(i), i.masterUsername(), i.dbInstanceStatus(), tags(i.tagList()));
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags == null ? Map.of() : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }

    @Override
    public void close() {
        rds.close();
    }
}
