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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DbClusterAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Clones an Aurora MySQL cluster copy-on-write ({@code RestoreDBClusterToPointInTime} with
 * {@code RestoreType=copy-on-write} at the latest restorable time: pages are shared until written), then
 * adds one DB instance to the new cluster, waiting for both.
 */
public final class AuroraCloner implements DatabaseCloner {

    private final RdsClient rds;
    private final SourceConfig.AuroraSource source;
    private final DatabaseConfig target;
    private final String sourceDatabase;
    private final Waits waits;

    public AuroraCloner(RdsClient rds, SourceConfig.AuroraSource source, DatabaseConfig target, String sourceDatabase, Waits waits) {
        this.rds = rds;
        this.source = source;
        this.target = target;
        this.sourceDatabase = sourceDatabase;
        this.waits = waits;
    }

    @Override
    public String provider() {
        return "aurora";
    }

    /** The writer instance's identifier: the cluster's, shortened to leave room for the suffix. */
    static String instanceId(String cluster) {
        String head = cluster.length() > 60 ? cluster.substring(0, 60) : cluster;
        return head.replaceAll("-+$", "") + "-w1";
    }

    Optional<DBCluster> describe(String id) {
        return AwsErrors.find("DescribeDBClusters " + id, DbClusterNotFoundException.class,
                () -> rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters().stream().findFirst());
    }

    @Override
    public Optional<ClonedDatabase> find(String name) {
        return describe(name).map(this::toClone);
    }

    @Override
    public ClonedDatabase create(CloneSpec spec, Progress progress) {
        DBCluster src = describe(source.cluster()).orElseThrow(() -> DbPromoteException.invalid("Source Aurora cluster '"
                + source.cluster() + "' not found in this region. Check source.aurora.cluster and the region."));
        List<Tag> tags = spec.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList();
        String name = spec.name();
        progress.line("cloning Aurora cluster %s copy-on-write into %s", src.dbClusterIdentifier(), name);
        try {
            AwsErrors.call("RestoreDBClusterToPointInTime " + name, () -> rds.restoreDBClusterToPointInTime(r -> {
                r.sourceDBClusterIdentifier(source.cluster()).dbClusterIdentifier(name).restoreType("copy-on-write")
                        .useLatestRestorableTime(true).tags(tags).dbSubnetGroupName(target.subnetGroup());
                if (!target.securityGroups().isEmpty()) {
                    r.vpcSecurityGroupIds(target.securityGroups());
                }
            }));
        } catch (DbPromoteException e) {
            if (!(e.getCause() instanceof DbClusterAlreadyExistsException)) {
                throw e;
            }
            progress.line("cluster %s is already being created by another run; waiting until it is ready", name);
            return awaitReady(name, progress);
        }
        waitCluster(name, progress);
        String instance = instanceId(name);
        try {
            AwsErrors.call("CreateDBInstance " + instance, () -> rds.createDBInstance(r -> r.dbInstanceIdentifier(instance)
                    .dbClusterIdentifier(name).engine(src.engine()).dbInstanceClass(target.instanceClass() == null
                            ? "db.r6g.large" : target.instanceClass()).dbParameterGroupName(target.parameterGroup()).tags(tags)));
        } catch (DbPromoteException e) {
            if (!(e.getCause() instanceof DbInstanceAlreadyExistsException)) {
                throw e;
            }
        }
        waits.until("Aurora instance " + instance, () -> AwsErrors.call("DescribeDBInstances " + instance,
                        () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(instance))).dbInstances().get(0).dbInstanceStatus(),
                Set.of("available"), RdsSnapshotCloner.FAILED, onTimeout(), progress);
        return find(name).orElseThrow();
    }

    @Override
    public ClonedDatabase awaitReady(String name, Progress progress) {
        waits.until("Aurora cluster " + name + " (made by another run)", () -> describe(name)
                        .map(c -> "ready".equals(RdsSnapshotCloner.tags(c.tagList()).get(ManagedTags.STATE)) ? "ready" : c.status())
                        .orElse("not-found"), Set.of("ready"), RdsSnapshotCloner.union(RdsSnapshotCloner.FAILED, "not-found"),
                "The other run failed or is still masking; re-run the clone (a clone not ready once its "
                        + "dbpromote:lease-until tag has passed is replaced).", progress);
        return find(name).orElseThrow();
    }

    @Override
    public java.time.Duration lease() {
        // Cluster wait, writer instance wait, credential wait and masking: each bounded by the wait timeout.
        return waits.timeout().multipliedBy(4);
    }

    @Override
    public boolean failed(ClonedDatabase clone) {
        return RdsSnapshotCloner.FAILED.contains(clone.status());
    }

    private void waitCluster(String name, Progress progress) {
        waits.until("Aurora cluster " + name, () -> describe(name).map(DBCluster::status).orElse("not-found"),
                Set.of("available"), RdsSnapshotCloner.FAILED, onTimeout(), progress);
    }

    private static String onTimeout() {
        return "The cluster is tagged " + ManagedTags.MANAGED_BY + "=" + ManagedTags.MANAGED_BY_VALUE
                + ", so 'dbpromote env destroy' or 'dbpromote env reap' removes it; re-run the clone to try again.";
    }

    @Override
    public ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress) {
        AwsErrors.callWithSecret("ModifyDBCluster " + clone.name(), password, () -> rds.modifyDBCluster(r -> r.dbClusterIdentifier(clone.name())
                .masterUserPassword(password.reveal()).applyImmediately(true)));
        progress.line("new master password requested for %s", clone.name());
        waitCluster(clone.name(), progress);
        DBCluster c = describe(clone.name()).orElseThrow();
        ConnectionSpec master = new ConnectionSpec(c.endpoint(), c.port(), null, c.masterUsername(), password);
        String database = RestoredDatabase.choose(master, sourceDatabase, c.databaseName());
        AwsErrors.call("AddTagsToResource " + clone.name(), () -> rds.addTagsToResource(r -> r.resourceName(c.dbClusterArn())
                .tags(Tag.builder().key(ManagedTags.DATABASE).value(database).build())));
        return master.withDatabase(database);
    }

    /** The database recorded when the clone got its credential; before that, what RDS reports. */
    private String database(DBCluster c) {
        String tagged = RdsSnapshotCloner.tags(c.tagList()).get(ManagedTags.DATABASE);
        return tagged != null ? tagged : c.databaseName() != null ? c.databaseName() : sourceDatabase;
    }

    @Override
    public void markReady(ClonedDatabase clone) {
        DBCluster c = describe(clone.name()).orElseThrow();
        AwsErrors.call("AddTagsToResource " + clone.name(), () -> rds.addTagsToResource(r -> r.resourceName(c.dbClusterArn())
                .tags(Tag.builder().key(ManagedTags.STATE).value("ready").build())));
    }

    @Override
    public List<ClonedDatabase> list() {
        List<ClonedDatabase> out = new ArrayList<>();
        AwsErrors.call("DescribeDBClusters", () -> {
            rds.describeDBClustersPaginator().dbClusters().forEach(c -> out.add(toClone(c)));
            return null;
        });
        return out;
    }

    @Override
    public void delete(ClonedDatabase clone, Progress progress) {
        DBCluster c = describe(clone.name()).orElse(null);
        if (c == null) {
            return;
        }
        if (!ManagedTags.isManaged(RdsSnapshotCloner.tags(c.tagList())) || clone.name().equals(source.cluster())) {
            throw DbPromoteException.invalid("Refusing to delete Aurora cluster '" + clone.name() + "': it is not tagged "
                    + ManagedTags.MANAGED_BY + "=" + ManagedTags.MANAGED_BY_VALUE + ".");
        }
        c.dbClusterMembers().forEach(m -> AwsErrors.call("DeleteDBInstance " + m.dbInstanceIdentifier(),
                () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier(m.dbInstanceIdentifier()).skipFinalSnapshot(true))));
        AwsErrors.call("DeleteDBCluster " + clone.name(), () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier(clone.name())
                .skipFinalSnapshot(true)));
        progress.line("deleting Aurora cluster %s and its %d instance(s)", clone.name(), c.dbClusterMembers().size());
    }

    private ClonedDatabase toClone(DBCluster c) {
        return new ClonedDatabase(provider(), c.dbClusterIdentifier(), c.dbClusterIdentifier(), c.endpoint(),
                c.port() == null ? 0 : c.port(), database(c), c.masterUsername(), c.status(), RdsSnapshotCloner.tags(c.tagList()));
    }

    @Override
    public void close() {
        rds.close();
    }
}
