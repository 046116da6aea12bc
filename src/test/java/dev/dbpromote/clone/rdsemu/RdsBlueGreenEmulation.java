package dev.dbpromote.clone.rdsemu;

import dev.dbpromote.bluegreen.BlueGreenResult;
import dev.dbpromote.bluegreen.BlueGreenTarget;
import dev.dbpromote.bluegreen.SelfManagedBlueGreen;
import dev.dbpromote.clone.rdsemu.RdsEmulator.ApiError;
import dev.dbpromote.clone.rdsemu.RdsEmulator.Cluster;
import dev.dbpromote.clone.rdsemu.RdsEmulator.Instance;
import dev.dbpromote.clone.rdsemu.RdsEmulator.Response;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.EnvironmentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The RDS Blue/Green Deployments API of {@link RdsEmulator}, with real data behind it: green is a second MariaDB server
 * that really replicates blue's database from a consistent snapshot (dbpromote's own {@link SelfManagedBlueGreen} does
 * the copy and the replication, as RDS does it with binlog replication), so a write to blue after creation appears on
 * green. The switchover follows the RDS documentation: blue stops taking writes, green catches up, replication stops,
 * green takes blue's name (its identifier and endpoint: the emulator's endpoints are per server, so the name now
 * resolves to green's) and blue is renamed {@code <name>-old1}. {@code SwitchoverTimeout} exceeded rolls everything
 * back. Parameter groups are data ({@link #addParameterGroup}) so green's {@code read_only} can be checked.
 */
public final class RdsBlueGreenEmulation {

    /** Injectable switchover outcomes. */
    public enum SwitchoverFault { NONE, FAILS, TIMES_OUT }

    final class Deployment {
        String id;
        String name;
        String status = "PROVISIONING";
        String details;
        String source;
        String target;
        String blueId;
        String greenId;
        boolean aurora;
        int timeoutSeconds;
        Map<String, String> tags = new LinkedHashMap<>();
        Instant created = Instant.now();
        Instant transitionAt;
        String next;
        SelfManagedBlueGreen engine;
    }

    private final RdsEmulator emu;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, String> parameterGroups = new LinkedHashMap<>();
    private final Map<String, String> clusterParameterGroups = new LinkedHashMap<>();
    private EmbeddedMariaDb green;
    private ConnectionSpec replicationUser;
    private Path state;
    private boolean neverAvailable;
    private SwitchoverFault fault = SwitchoverFault.NONE;

    RdsBlueGreenEmulation(RdsEmulator emu) {
        this.emu = emu;
    }

    // ------------------------------------------------------------------ set-up and knobs

    /**
     * The server greens are built on, and blue's user green replicates as (blue's server needs a row binlog; see
     * {@code ReplicaPair}).
     */
    public RdsBlueGreenEmulation greenServer(EmbeddedMariaDb server, ConnectionSpec replicationUser) {
        synchronized (emu) {
            this.green = server;
            this.replicationUser = replicationUser;
            try {
                this.state = Files.createTempDirectory("rdsemu-bg");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return this;
        }
    }

    /** A DB parameter group; {@code readOnly} null: read_only left at the engine default ({TrueIfReplica}). */
    public RdsBlueGreenEmulation addParameterGroup(String name, String readOnly) {
        synchronized (emu) {
            parameterGroups.put(name, readOnly);
            return this;
        }
    }

    public RdsBlueGreenEmulation addClusterParameterGroup(String name, String readOnly) {
        synchronized (emu) {
            clusterParameterGroups.put(name, readOnly);
            return this;
        }
    }

    /** New deployments stay PROVISIONING for ever (green never becomes available). */
    public RdsBlueGreenEmulation neverAvailable(boolean never) {
        synchronized (emu) {
            neverAvailable = never;
            return this;
        }
    }

    public RdsBlueGreenEmulation switchoverFault(SwitchoverFault f) {
        synchronized (emu) {
            fault = f;
            return this;
        }
    }

    /** A deployment someone made by hand (no dbpromote tags) on {@code sourceId}; AVAILABLE, no green data behind it. */
    public String addForeignDeployment(String sourceId, String name) {
        synchronized (emu) {
            Deployment d = new Deployment();
            d.id = "bgd-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            d.name = name;
            d.status = "AVAILABLE";
            d.aurora = emu.clusters.containsKey(sourceId);
            d.blueId = sourceId;
            d.source = d.aurora ? emu.clusters.get(sourceId).arn() : emu.instances.get(sourceId).arn();
            d.target = d.source.replace(sourceId, sourceId + "-green-byhand");
            d.tags.put("owner", "dba-team");
            deployments.put(d.id, d);
            return d.id;
        }
    }

    /** Puts a deployment into {@code status}, as RDS does when, say, green's replication breaks (INVALID_CONFIGURATION). */
    public void setStatus(String deploymentId, String status, String details) {
        synchronized (emu) {
            Deployment d = deployments.get(deploymentId);
            d.status = status;
            d.details = details;
        }
    }

    public String statusOf(String deploymentId) {
        synchronized (emu) {
            emu.exists("");
            Deployment d = deployments.get(deploymentId);
            return d == null ? "gone" : d.status;
        }
    }

    public List<String> deploymentIds() {
        synchronized (emu) {
            emu.exists("");
            return List.copyOf(deployments.keySet());
        }
    }

    // ------------------------------------------------------------------ actions

    Response describeParameterGroups(Map<String, String> p, boolean cluster) {
        String name = p.get(cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName");
        Map<String, String> groups = cluster ? clusterParameterGroups : parameterGroups;
        String tag = cluster ? "DBClusterParameterGroup" : "DBParameterGroup";
        if (name != null && !groups.containsKey(name)) {
            throw new ApiError(404, cluster ? "DBClusterParameterGroupNotFound" : "DBParameterGroupNotFound",
                    (cluster ? "DBClusterParameterGroup " : "DBParameterGroup ") + name + " not found.");
        }
        List<String> items = new ArrayList<>();
        for (String g : groups.keySet()) {
            if (name == null || name.equals(g)) {
                StringBuilder x = new StringBuilder("<" + tag + ">");
                RdsEmulator.el(x, tag + "Name", g);
                RdsEmulator.el(x, "DBParameterGroupFamily", cluster ? "aurora-mysql8.0" : "mysql8.0");
                items.add(x.append("</").append(tag).append(">").toString());
            }
        }
        return emu.page(cluster ? "DescribeDBClusterParameterGroups" : "DescribeDBParameterGroups", tag + "s", items, p);
    }

    /** The group's parameters, a few besides read_only so the client has to page through them. */
    Response describeParameters(Map<String, String> p, boolean cluster) {
        String name = p.get(cluster ? "DBClusterParameterGroupName" : "DBParameterGroupName");
        Map<String, String> groups = cluster ? clusterParameterGroups : parameterGroups;
        if (!groups.containsKey(name)) {
            throw new ApiError(404, cluster ? "DBClusterParameterGroupNotFound" : "DBParameterGroupNotFound",
                    "Parameter group " + name + " not found.");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("binlog_format", "ROW");
        params.put("event_scheduler", "OFF");
        params.put("max_connections", "{DBInstanceClassMemory/12582880}");
        params.put("read_only", groups.get(name) == null ? "{TrueIfReplica}" : groups.get(name));
        List<String> items = new ArrayList<>();
        params.forEach((k, v) -> {
            StringBuilder x = new StringBuilder("<Parameter>");
            RdsEmulator.el(x, "ParameterName", k);
            RdsEmulator.el(x, "ParameterValue", v);
            RdsEmulator.el(x, "Source", "read_only".equals(k) && groups.get(name) == null ? "engine-default" : "user");
            items.add(x.append("</Parameter>").toString());
        });
        return emu.page(cluster ? "DescribeDBClusterParameters" : "DescribeDBParameters", "Parameters", items, p);
    }

    Response create(Map<String, String> p) {
        String name = p.get("BlueGreenDeploymentName");
        String source = p.get("Source");
        if (name == null || source == null) {
            throw new ApiError(400, "MissingParameter", "BlueGreenDeploymentName and Source are required.");
        }
        if (deployments.values().stream().anyMatch(d -> d.name.equals(name))) {
            throw new ApiError(400, "BlueGreenDeploymentAlreadyExistsFault", "A blue/green deployment named " + name + " already exists.");
        }
        Instance blueInstance = emu.instances.values().stream().filter(i -> i.arn().equals(source)).findFirst().orElse(null);
        Cluster blueCluster = emu.clusters.values().stream().filter(c -> c.arn().equals(source)).findFirst().orElse(null);
        if (blueInstance == null && blueCluster == null) {
            throw new ApiError(404, source.contains(":cluster:") ? "DBClusterNotFoundFault" : "DBInstanceNotFound", "Source " + source
                    + " not found.");
        }
        boolean aurora = blueCluster != null;
        String pg = p.get(aurora ? "TargetDBClusterParameterGroupName" : "TargetDBParameterGroupName");
        if (pg != null && !(aurora ? clusterParameterGroups : parameterGroups).containsKey(pg)) {
            throw new ApiError(404, aurora ? "DBClusterParameterGroupNotFound" : "DBParameterGroupNotFound", "Parameter group " + pg
                    + " not found.");
        }
        if (green == null) {
            throw new IllegalStateException("the emulator has no green server: call blueGreen().greenServer(...) first");
        }
        String blueId = aurora ? blueCluster.id : blueInstance.id;
        String schema = aurora ? blueCluster.schema : blueInstance.schema;
        String greenId = blueId + "-green-" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        // Green: a consistent copy of blue's database on the green server, replicating from that snapshot's binlog position.
        ConnectionSpec blueSpec = new ConnectionSpec(emu.server.host(), emu.server.port(), schema, replicationUser.user(),
                replicationUser.password());
        BlueGreenTarget target = new BlueGreenTarget("rdsemu-" + greenId, blueSpec, green.root(schema), Duration.ofSeconds(20),
                Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
        SelfManagedBlueGreen engine = new SelfManagedBlueGreen(target, new EnvironmentStore(state), Progress.silent(), Clock.systemUTC());
        engine.create(false);
        // RDS makes green a read replica: read-only unless its parameter group says read_only=0.
        String readOnly = pg == null ? null : (aurora ? clusterParameterGroups : parameterGroups).get(pg);
        sql(green.root(null), "SET GLOBAL read_only = " + ("0".equals(readOnly) ? "OFF" : "ON"));
        if (aurora) {
            Cluster c = emu.new Cluster();
            c.id = greenId;
            c.status = "available";
            c.schema = schema;
            c.masterUser = blueCluster.masterUser;
            c.on = green;
            emu.clusters.put(greenId, c);
            // The green cluster gets a copy of each blue instance, named as RDS names them (<name>-green-<suffix>).
            String suffix = greenId.substring(greenId.lastIndexOf('-') + 1);
            for (String m : blueCluster.members) {
                Instance i = emu.new Instance();
                i.id = m + "-green-" + suffix;
                i.status = "available";
                i.schema = schema;
                i.masterUser = blueCluster.masterUser;
                i.engine = "aurora-mysql";
                i.cluster = greenId;
                i.on = green;
                emu.instances.put(i.id, i);
                c.members.add(i.id);
            }
        } else {
            Instance i = emu.new Instance();
            i.id = greenId;
            i.status = "available";
            i.schema = schema;
            i.masterUser = blueInstance.masterUser;
            i.instanceClass = blueInstance.instanceClass;
            i.on = green;
            emu.instances.put(greenId, i);
        }
        Deployment d = new Deployment();
        d.id = "bgd-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        d.name = name;
        d.source = source;
        d.target = aurora ? emu.clusters.get(greenId).arn() : emu.instances.get(greenId).arn();
        d.blueId = blueId;
        d.greenId = greenId;
        d.aurora = aurora;
        d.engine = engine;
        d.tags.putAll(new RdsEmulator.Call("", p).tags());
        d.transitionAt = neverAvailable ? Instant.MAX : Instant.now().plus(emu.transition);
        d.next = "AVAILABLE";
        deployments.put(d.id, d);
        return RdsEmulator.ok("CreateBlueGreenDeployment", "<BlueGreenDeployment>" + body(d) + "</BlueGreenDeployment>");
    }

    Response describe(Map<String, String> p) {
        String id = p.get("BlueGreenDeploymentIdentifier");
        List<Deployment> list = new ArrayList<>(deployments.values());
        if (id != null) {
            list = list.stream().filter(d -> d.id.equals(id)).toList();
            if (list.isEmpty()) {
                throw new ApiError(404, "BlueGreenDeploymentNotFoundFault", "BlueGreenDeployment " + id + " not found.");
            }
        }
        for (int n = 1; p.containsKey("Filters.Filter." + n + ".Name"); n++) {
            String filter = p.get("Filters.Filter." + n + ".Name");
            List<String> values = new ArrayList<>();
            for (int v = 1; p.containsKey("Filters.Filter." + n + ".Values.Value." + v); v++) {
                values.add(p.get("Filters.Filter." + n + ".Values.Value." + v));
            }
            list = list.stream().filter(d -> switch (filter) {
                case "source" -> values.contains(d.source);
                case "target" -> values.contains(d.target);
                case "blue-green-deployment-name" -> values.contains(d.name);
                case "blue-green-deployment-identifier" -> values.contains(d.id);
                default -> throw new ApiError(400, "InvalidParameterValue", "Unrecognized filter name: " + filter);
            }).toList();
        }
        return emu.page("DescribeBlueGreenDeployments", "BlueGreenDeployments",
                list.stream().map(d -> "<member>" + body(d) + "</member>").toList(), p);
    }

    Response switchover(Map<String, String> p) {
        Deployment d = deployment(p.get("BlueGreenDeploymentIdentifier"));
        if (!"AVAILABLE".equals(d.status) && !"SWITCHOVER_FAILED".equals(d.status)) {
            throw new ApiError(400, "InvalidBlueGreenDeploymentStateFault", "The blue/green deployment can't be switched over in"
                    + " state " + d.status + ".");
        }
        d.timeoutSeconds = Integer.parseInt(p.getOrDefault("SwitchoverTimeout", "300"));
        if (d.timeoutSeconds < 30) {
            throw new ApiError(400, "InvalidParameterValue", "SwitchoverTimeout must be at least 30 seconds.");
        }
        d.status = "SWITCHOVER_IN_PROGRESS";
        d.details = null;
        d.transitionAt = Instant.now().plus(emu.transition);
        d.next = switch (fault) {
            case NONE -> "SWITCHOVER_COMPLETED";
            case FAILS -> "FAILS";
            case TIMES_OUT -> "TIMES_OUT";
        };
        return RdsEmulator.ok("SwitchoverBlueGreenDeployment", "<BlueGreenDeployment>" + body(d) + "</BlueGreenDeployment>");
    }

    Response delete(Map<String, String> p) {
        Deployment d = deployment(p.get("BlueGreenDeploymentIdentifier"));
        boolean deleteTarget = "true".equals(p.get("DeleteTarget"));
        if ("SWITCHOVER_IN_PROGRESS".equals(d.status)) {
            throw new ApiError(400, "InvalidBlueGreenDeploymentStateFault", "The blue/green deployment is switching over.");
        }
        if (deleteTarget && "SWITCHOVER_COMPLETED".equals(d.status)) {
            throw new ApiError(400, "InvalidParameterCombination", "You can't specify DeleteTarget for a blue/green deployment whose"
                    + " switchover is complete.");
        }
        if (deleteTarget) {
            if (d.engine != null) {
                d.engine.delete(false); // replication stopped, green's copy of the database dropped
                sql(green.root(null), "SET GLOBAL read_only = OFF");
            }
            emu.instances.remove(d.greenId);
            Cluster gone = emu.clusters.remove(d.greenId);
            if (gone != null) {
                gone.members.forEach(emu.instances::remove);
            }
        }
        d.status = "DELETING";
        d.transitionAt = Instant.now().plus(emu.transition);
        d.next = "gone";
        return RdsEmulator.ok("DeleteBlueGreenDeployment", "<BlueGreenDeployment>" + body(d) + "</BlueGreenDeployment>");
    }

    private Deployment deployment(String id) {
        Deployment d = id == null ? null : deployments.get(id);
        if (d == null) {
            throw new ApiError(404, "BlueGreenDeploymentNotFoundFault", "BlueGreenDeployment " + id + " not found.");
        }
        return d;
    }

    // ------------------------------------------------------------------ state

    void tick(Instant now) {
        for (Deployment d : new ArrayList<>(deployments.values())) {
            if (d.transitionAt == null || now.isBefore(d.transitionAt)) {
                continue;
            }
            d.transitionAt = null;
            switch (d.next) {
                case "gone" -> deployments.remove(d.id);
                case "FAILS" -> {
                    d.status = "SWITCHOVER_FAILED";
                    d.details = "Switchover failed: the green environment could not be promoted. All changes were rolled back.";
                }
                case "TIMES_OUT" -> {
                    d.status = "SWITCHOVER_FAILED";
                    d.details = "Switchover timed out after " + d.timeoutSeconds + " seconds. All changes were rolled back.";
                }
                case "SWITCHOVER_COMPLETED" -> switchOver(d);
                default -> d.status = d.next;
            }
        }
    }

    /** What RDS does at a switchover: writes stopped, green caught up, replication stopped, names swapped. */
    private void switchOver(Deployment d) {
        BlueGreenResult r;
        try {
            r = d.engine.switchover(false);
        } catch (RuntimeException e) {
            d.status = "SWITCHOVER_FAILED";
            d.details = "Switchover failed: " + e.getMessage() + " All changes were rolled back.";
            return;
        }
        if (r.refused()) {
            d.status = "SWITCHOVER_FAILED";
            d.details = "Switchover guardrails failed: " + String.join("; ", r.problems());
            return;
        }
        String old = d.blueId + "-old1";
        for (int n = 2; emu.instances.containsKey(old) || emu.clusters.containsKey(old); n++) {
            old = d.blueId + "-old" + n;
        }
        if (d.aurora) {
            Cluster blue = emu.clusters.remove(d.blueId);
            Cluster greenCluster = emu.clusters.remove(d.greenId);
            String oldSuffix = old.substring(d.blueId.length());
            List<String> blueMembers = new ArrayList<>(blue.members);
            blue.members.clear();
            for (String m : blueMembers) {
                Instance i = emu.instances.remove(m);
                i.id = m + oldSuffix;
                i.cluster = old;
                emu.instances.put(i.id, i);
                blue.members.add(i.id);
            }
            List<String> greenMembers = new ArrayList<>(greenCluster.members);
            greenCluster.members.clear();
            for (String m : greenMembers) {
                Instance i = emu.instances.remove(m);
                i.id = m.substring(0, m.lastIndexOf("-green-"));
                i.cluster = d.blueId;
                emu.instances.put(i.id, i);
                greenCluster.members.add(i.id);
            }
            blue.id = old;
            greenCluster.id = d.blueId;
            emu.clusters.put(old, blue);
            emu.clusters.put(d.blueId, greenCluster);
            d.source = blue.arn();
            d.target = greenCluster.arn();
        } else {
            Instance blue = emu.instances.remove(d.blueId);
            Instance greenInstance = emu.instances.remove(d.greenId);
            blue.id = old;
            greenInstance.id = d.blueId;
            emu.instances.put(old, blue);
            emu.instances.put(d.blueId, greenInstance);
            d.source = blue.arn();
            d.target = greenInstance.arn();
        }
        d.status = "SWITCHOVER_COMPLETED";
        d.details = null;
    }

    void close() {
        for (Deployment d : deployments.values()) {
            if (d.engine != null && !"SWITCHOVER_COMPLETED".equals(d.status)) {
                try {
                    d.engine.delete(false);
                } catch (RuntimeException e) {
                    // the servers may be gone already
                }
            }
        }
    }

    private String body(Deployment d) {
        StringBuilder x = new StringBuilder();
        RdsEmulator.el(x, "BlueGreenDeploymentIdentifier", d.id);
        RdsEmulator.el(x, "BlueGreenDeploymentName", d.name);
        RdsEmulator.el(x, "Source", d.source);
        RdsEmulator.el(x, "Target", d.target);
        x.append("<SwitchoverDetails><member>");
        RdsEmulator.el(x, "SourceMember", d.source);
        RdsEmulator.el(x, "TargetMember", d.target);
        RdsEmulator.el(x, "Status", "SWITCHOVER_COMPLETED".equals(d.status) ? "SWITCHOVER_COMPLETED"
                : "PROVISIONING".equals(d.status) ? "PROVISIONING" : "AVAILABLE");
        x.append("</member></SwitchoverDetails>");
        RdsEmulator.el(x, "Status", d.status);
        RdsEmulator.el(x, "StatusDetails", d.details);
        RdsEmulator.el(x, "CreateTime", d.created.toString());
        x.append(RdsEmulator.tagList(d.tags));
        return x.toString();
    }

    private static void sql(ConnectionSpec spec, String statement) {
        try (Connection c = Jdbc.open(spec); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
