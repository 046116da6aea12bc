package dev.dbpromote.clone.rdsemu;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dbpromote.clone.SchemaCopier;
import dev.dbpromote.core.Progress;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.Names;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RDS Query API emulator on 127.0.0.1 for the real AWS SDK (endpoint override). Every instance or
 * cluster it makes available is a real database on the embedded MariaDB holding the snapshot's data:
 * one schema per instance ({@code DBName} reports it) and one MySQL user per instance as its master user.
 * Snapshots are schema copies too. State transitions take {@link #transition(Duration)}; faults are injected
 * with {@link #fault}. Responses and errors follow the shapes in the RDS API reference
 * ({@code <ActionResponse><ActionResult>…}, {@code <ErrorResponse><Error><Type/><Code/><Message/>}).
 */
public final class RdsEmulator implements AutoCloseable {

    static final String NS = "http://rds.amazonaws.com/doc/2014-10-31/";
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-west-2";

    /** Injectable failures. */
    public enum Fault {
        THROTTLING(400, "Throttling", "Rate exceeded"),
        INTERNAL(500, "InternalFailure", "An internal error has occurred."),
        CAPACITY(400, "InsufficientDBInstanceCapacity", "Insufficient capacity for the requested DB instance class."),
        SNAPSHOT_NOT_FOUND(404, "DBSnapshotNotFound", "DBSnapshot not found.");

        final int status;
        final String code;
        final String message;

        Fault(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }
    }

    /** One recorded API call: action and decoded form parameters. */
    public record Call(String action, Map<String, String> params) {
        public Map<String, String> tags() {
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = 1; params.containsKey("Tags.Tag." + i + ".Key") || params.containsKey("Tags.member." + i + ".Key"); i++) {
                String p = params.containsKey("Tags.Tag." + i + ".Key") ? "Tags.Tag." + i : "Tags.member." + i;
                tags.put(params.get(p + ".Key"), params.getOrDefault(p + ".Value", ""));
            }
            return tags;
        }
    }

    final class Instance {
        String id;
        String status = "creating";
        String schema;
        String masterUser;
        String engine = "mysql";
        String instanceClass;
        String cluster;
        Map<String, String> tags = new LinkedHashMap<>();
        Instant transitionAt;
        String nextStatus = "available";
        boolean source;
        /** What DescribeDBInstances reports as DBName when it differs from the schema (real RDS: the initial database). */
        String reportedDbName;
        /** The server holding it: the emulator's server, or the green server for a blue/green deployment's green. */
        EmbeddedMariaDb on;

        String arn() {
            return "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":db:" + id;
        }
    }

    final class Cluster {
        String id;
        String status = "creating";
        String schema;
        String masterUser;
        Map<String, String> tags = new LinkedHashMap<>();
        Instant transitionAt;
        String nextStatus = "available";
        List<String> members = new ArrayList<>();
        EmbeddedMariaDb on;

        String arn() {
            return "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":cluster:" + id;
        }
    }

    record Snapshot(String id, String instance, String schema, Instant created, String type, String[] status, Instant[] readyAt) {
    }

    final EmbeddedMariaDb server;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    final Map<String, Instance> instances = new LinkedHashMap<>();
    final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Object[]> faults = new ArrayList<>();
    private final Set<String> schemas = new HashSet<>();
    final RdsBlueGreenEmulation blueGreen = new RdsBlueGreenEmulation(this);
    Duration transition = Duration.ofMillis(300);
    private boolean neverAvailable;
    private boolean rejectPasswords;
    private Set<String> allowedClasses = Set.of("db.t4g.micro", "db.t4g.medium", "db.r6g.large", "db.m6g.large");
    private Set<String> deniedKeys = Set.of("DENIED");
    private int pageSize = 2;

    public RdsEmulator(EmbeddedMariaDb server) {
        this.server = server;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        http.start();
    }

    /** The Blue/Green Deployments API: its green server, parameter groups and faults. */
    public RdsBlueGreenEmulation blueGreen() {
        return blueGreen;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    // ------------------------------------------------------------------ set-up and knobs

    /** A source instance whose data is the existing database {@code schema}. */
    public synchronized void addSourceInstance(String id, String schema, String masterUser) {
        Instance i = new Instance();
        i.id = id;
        i.status = "available";
        i.schema = schema;
        i.masterUser = masterUser;
        i.source = true;
        i.instanceClass = "db.r6g.large";
        i.tags.put("team", "orders");
        instances.put(id, i);
    }

    /** A snapshot of the source instance holding a copy of its data now. */
    public synchronized void addSnapshot(String id, String instance, Instant created, String type, String status) {
        String schema = copy(instances.get(instance).schema, "snap_" + id);
        snapshots.put(id, new Snapshot(id, instance, schema, created, type, new String[] {status},
                new Instant[] {"creating".equals(status) ? Instant.MAX : null}));
    }

    /** An Aurora source cluster whose data is the existing database {@code schema}. */
    public synchronized void addSourceCluster(String id, String schema, String masterUser) {
        Cluster c = new Cluster();
        c.id = id;
        c.status = "available";
        c.schema = schema;
        c.masterUser = masterUser;
        c.tags.put("team", "orders");
        clusters.put(id, c);
    }

    /** A writer instance of a source cluster, on the cluster's data. */
    public synchronized void addClusterMember(String clusterId, String instanceId) {
        Cluster c = clusters.get(clusterId);
        Instance i = new Instance();
        i.id = instanceId;
        i.status = "available";
        i.schema = c.schema;
        i.masterUser = c.masterUser;
        i.engine = "aurora-mysql";
        i.cluster = clusterId;
        i.instanceClass = "db.r6g.large";
        i.source = true;
        instances.put(instanceId, i);
        c.members.add(instanceId);
    }

    public synchronized RdsEmulator transition(Duration d) {
        transition = d;
        return this;
    }

    /** Restored instances stay {@code creating} for ever. */
    public synchronized RdsEmulator neverAvailable(boolean never) {
        neverAvailable = never;
        return this;
    }

    /** ModifyDBInstance/ModifyDBCluster reject a new master password, quoting it in the error message. */
    public synchronized RdsEmulator rejectPasswords(boolean reject) {
        rejectPasswords = reject;
        return this;
    }

    /** The next {@code times} calls of {@code action} (null: any action) fail with {@code fault}. */
    public synchronized RdsEmulator fault(String action, Fault fault, int times) {
        faults.add(new Object[] {action, fault, new int[] {times}});
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    public synchronized boolean exists(String instanceId) {
        tick();
        return instances.containsKey(instanceId) || clusters.containsKey(instanceId);
    }

    public synchronized Map<String, String> tagsOf(String id) {
        tick();
        return instances.containsKey(id) ? Map.copyOf(instances.get(id).tags) : Map.copyOf(clusters.get(id).tags);
    }

    /** The port an instance's or cluster's endpoint resolves to now (its server's), as an application would find it. */
    public synchronized int portOf(String id) {
        tick();
        EmbeddedMariaDb at = instances.containsKey(id) ? instances.get(id).on : clusters.get(id).on;
        return (at != null ? at : server).port();
    }

    /** Sets a tag directly, as someone with console access could. */
    public synchronized void tag(String id, String key, String value) {
        tick();
        (instances.containsKey(id) ? instances.get(id).tags : clusters.get(id).tags).put(key, value);
    }

    /** Makes DescribeDBInstances report another DBName, as real RDS does when the initial database is not the data's. */
    public synchronized void reportDbName(String instanceId, String dbName) {
        instances.get(instanceId).reportedDbName = dbName;
    }

    /** An instance that is not ours (no managed-by tag), for destroy/reap tests. */
    public synchronized void addForeignInstance(String id) {
        Instance i = new Instance();
        i.id = id;
        i.status = "available";
        i.schema = copy(instances.values().stream().filter(x -> x.source).findFirst().orElseThrow().schema, "foreign_" + id);
        i.masterUser = "admin";
        i.tags.put("owner", "someone-else");
        instances.put(id, i);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        synchronized (this) {
            blueGreen.close();
            for (String s : schemas) {
                sql("DROP DATABASE IF EXISTS `" + s + "`");
            }
            for (Instance i : instances.values()) {
                if (!i.source && i.masterUser != null && i.masterUser.startsWith("m_")) {
                    dropUser(i.masterUser);
                }
            }
            for (Cluster c : clusters.values()) {
                if (c.masterUser != null && c.masterUser.startsWith("m_")) {
                    dropUser(c.masterUser);
                }
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> params = form(body);
            if (exchange.getRequestURI().getRawQuery() != null) {
                params.putAll(form(exchange.getRequestURI().getRawQuery()));
            }
            String action = params.getOrDefault("Action", "");
            calls.add(new Call(action, Map.copyOf(params)));
            Response r;
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher key = Pattern.compile("Credential=([^/]+)/").matcher(auth == null ? "" : auth);
            if (!key.find()) {
                r = error(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
            } else if (deniedKeys.contains(key.group(1))) {
                r = error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
            } else {
                r = dispatch(action, params);
            }
            byte[] bytes = r.xml().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(r.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    record Response(int status, String xml) {
    }

    private synchronized Response dispatch(String action, Map<String, String> p) {
        for (Object[] f : faults) {
            int[] left = (int[]) f[2];
            if (left[0] > 0 && (f[0] == null || f[0].equals(action))) {
                left[0]--;
                Fault fault = (Fault) f[1];
                return error(fault.status, fault.code, fault.message);
            }
        }
        tick();
        try {
            return switch (action) {
                case "DescribeDBInstances" -> describeInstances(p);
                case "DescribeDBSnapshots" -> describeSnapshots(p);
                case "DescribeDBClusters" -> describeClusters(p);
                case "DescribeDBClusterSnapshots" -> ok(action, "<DBClusterSnapshots/>");
                case "RestoreDBInstanceFromDBSnapshot" -> restoreFromSnapshot(p);
                case "RestoreDBInstanceToPointInTime" -> restoreToPointInTime(p);
                case "RestoreDBClusterToPointInTime" -> restoreCluster(p);
                case "CreateDBInstance" -> createInstance(p);
                case "CreateDBSnapshot" -> createSnapshot(p);
                case "ModifyDBInstance" -> modifyInstance(p);
                case "ModifyDBCluster" -> modifyCluster(p);
                case "DeleteDBInstance" -> deleteInstance(p);
                case "DeleteDBCluster" -> deleteCluster(p);
                case "AddTagsToResource" -> addTags(p);
                case "ListTagsForResource" -> listTags(p);
                case "DescribeDBParameterGroups" -> blueGreen.describeParameterGroups(p, false);
                case "DescribeDBClusterParameterGroups" -> blueGreen.describeParameterGroups(p, true);
                case "DescribeDBParameters" -> blueGreen.describeParameters(p, false);
                case "DescribeDBClusterParameters" -> blueGreen.describeParameters(p, true);
                case "CreateBlueGreenDeployment" -> blueGreen.create(p);
                case "DescribeBlueGreenDeployments" -> blueGreen.describe(p);
                case "SwitchoverBlueGreenDeployment" -> blueGreen.switchover(p);
                case "DeleteBlueGreenDeployment" -> blueGreen.delete(p);
                default -> error(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
            };
        } catch (ApiError e) {
            return error(e.status, e.code, e.getMessage());
        }
    }

    static final class ApiError extends RuntimeException {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    // ------------------------------------------------------------------ actions

    private Response describeInstances(Map<String, String> p) {
        String id = p.get("DBInstanceIdentifier");
        List<Instance> list = new ArrayList<>(instances.values());
        if (id != null) {
            // DBInstanceIdentifier takes the identifier or the ARN.
            list = list.stream().filter(i -> i.id.equals(id) || i.arn().equals(id)).toList();
            if (list.isEmpty()) {
                throw new ApiError(404, "DBInstanceNotFound", "DBInstance " + id + " not found.");
            }
        }
        return page("DescribeDBInstances", "DBInstances", list.stream().map(this::instanceXml).toList(), p);
    }

    private Response describeSnapshots(Map<String, String> p) {
        String id = p.get("DBSnapshotIdentifier");
        String instance = p.get("DBInstanceIdentifier");
        List<Snapshot> list = new ArrayList<>(snapshots.values());
        if (id != null) {
            list = list.stream().filter(s -> s.id().equals(id)).toList();
            if (list.isEmpty()) {
                throw new ApiError(404, "DBSnapshotNotFound", "DBSnapshot " + id + " not found.");
            }
        }
        if (instance != null) {
            list = list.stream().filter(s -> s.instance().equals(instance)).toList();
        }
        return page("DescribeDBSnapshots", "DBSnapshots", list.stream().map(this::snapshotXml).toList(), p);
    }

    private Response describeClusters(Map<String, String> p) {
        String id = p.get("DBClusterIdentifier");
        List<Cluster> list = new ArrayList<>(clusters.values());
        if (id != null) {
            list = list.stream().filter(c -> c.id.equals(id) || c.arn().equals(id)).toList();
            if (list.isEmpty()) {
                throw new ApiError(404, "DBClusterNotFoundFault", "DBCluster " + id + " not found.");
            }
        }
        return page("DescribeDBClusters", "DBClusters", list.stream().map(this::clusterXml).toList(), p);
    }

    private Response restoreFromSnapshot(Map<String, String> p) {
        String snapshotId = p.get("DBSnapshotIdentifier");
        Snapshot s = snapshots.get(snapshotId);
        if (s == null) {
            throw new ApiError(404, "DBSnapshotNotFound", "DBSnapshot " + snapshotId + " not found.");
        }
        if (!"available".equals(s.status()[0])) {
            throw new ApiError(400, "InvalidDBSnapshotState", "Snapshot " + snapshotId + " is not available.");
        }
        Instance i = newInstance(p.get("DBInstanceIdentifier"), p, s.schema(), instances.get(s.instance()));
        return ok("RestoreDBInstanceFromDBSnapshot", instanceXml(i));
    }

    private Response restoreToPointInTime(Map<String, String> p) {
        Instance src = instances.get(p.get("SourceDBInstanceIdentifier"));
        if (src == null) {
            throw new ApiError(404, "DBInstanceNotFound", "DBInstance " + p.get("SourceDBInstanceIdentifier") + " not found.");
        }
        Instance i = newInstance(p.get("TargetDBInstanceIdentifier"), p, src.schema, src);
        return ok("RestoreDBInstanceToPointInTime", instanceXml(i));
    }

    private Instance newInstance(String id, Map<String, String> p, String dataSchema, Instance from) {
        if (instances.containsKey(id)) {
            throw new ApiError(400, "DBInstanceAlreadyExists", "DB instance already exists");
        }
        String cls = p.getOrDefault("DBInstanceClass", from == null ? "db.t4g.medium" : from.instanceClass);
        if (!allowedClasses.contains(cls)) {
            throw new ApiError(400, "InvalidParameterCombination", "RDS does not support creating a DB instance with the following"
                    + " combination: DBInstanceClass=" + cls + ", Engine=mysql, EngineVersion=8.0.40, LicenseModel=general-public-license.");
        }
        Instance i = new Instance();
        i.id = id;
        i.instanceClass = cls;
        i.tags.putAll(new Call("", p).tags());
        if (i.tags.isEmpty() && from != null) {
            i.tags.putAll(from.tags); // RDS copies the source's tags when none are given
        }
        if (dataSchema != null) {
            i.schema = copy(dataSchema, "inst_" + id);
            i.masterUser = createMasterUser(i.schema, UUID.randomUUID().toString());
        }
        pending(i, "available");
        instances.put(id, i);
        return i;
    }

    private Response restoreCluster(Map<String, String> p) {
        String id = p.get("DBClusterIdentifier");
        Cluster src = clusters.get(p.get("SourceDBClusterIdentifier"));
        if (src == null) {
            throw new ApiError(404, "DBClusterNotFoundFault", "DBCluster " + p.get("SourceDBClusterIdentifier") + " not found.");
        }
        if (clusters.containsKey(id)) {
            throw new ApiError(400, "DBClusterAlreadyExistsFault", "DB Cluster already exists");
        }
        Cluster c = new Cluster();
        c.id = id;
        c.tags.putAll(new Call("", p).tags());
        c.schema = copy(src.schema, "cl_" + id);
        c.masterUser = createMasterUser(c.schema, UUID.randomUUID().toString());
        c.status = "creating";
        c.transitionAt = Instant.now().plus(transition);
        clusters.put(id, c);
        return ok("RestoreDBClusterToPointInTime", clusterXml(c));
    }

    private Response createInstance(Map<String, String> p) {
        String clusterId = p.get("DBClusterIdentifier");
        Cluster c = clusterId == null ? null : clusters.get(clusterId);
        if (clusterId != null && c == null) {
            throw new ApiError(404, "DBClusterNotFoundFault", "DBCluster " + clusterId + " not found.");
        }
        Instance i = newInstance(p.get("DBInstanceIdentifier"), p, null, null);
        i.cluster = clusterId;
        i.engine = "aurora-mysql";
        if (c != null) {
            c.members.add(i.id);
        }
        return ok("CreateDBInstance", instanceXml(i));
    }

    private Response createSnapshot(Map<String, String> p) {
        Instance i = instance(p.get("DBInstanceIdentifier"));
        String id = p.get("DBSnapshotIdentifier");
        String schema = copy(i.schema, "snap_" + id);
        Snapshot s = new Snapshot(id, i.id, schema, Instant.now(), "manual", new String[] {"creating"},
                new Instant[] {Instant.now().plus(transition)});
        snapshots.put(id, s);
        return ok("CreateDBSnapshot", snapshotXml(s));
    }

    private Response modifyInstance(Map<String, String> p) {
        Instance i = instance(p.get("DBInstanceIdentifier"));
        if (!"available".equals(i.status)) {
            throw new ApiError(400, "InvalidDBInstanceState", "Database instance is not in available state.");
        }
        String password = p.get("MasterUserPassword");
        if (password != null && rejectPasswords) {
            throw new ApiError(400, "InvalidParameterValue", "The parameter MasterUserPassword '" + password + "' is not valid.");
        }
        if (password != null) {
            createMasterUser(i.schema, password, i.masterUser);
            i.status = "resetting-master-credentials";
            i.transitionAt = Instant.now().plus(transition);
            i.nextStatus = "available";
        }
        return ok("ModifyDBInstance", instanceXml(i));
    }

    private Response modifyCluster(Map<String, String> p) {
        Cluster c = clusters.get(p.get("DBClusterIdentifier"));
        if (c == null) {
            throw new ApiError(404, "DBClusterNotFoundFault", "DBCluster " + p.get("DBClusterIdentifier") + " not found.");
        }
        if (p.get("MasterUserPassword") != null && rejectPasswords) {
            throw new ApiError(400, "InvalidParameterValue", "The parameter MasterUserPassword '" + p.get("MasterUserPassword")
                    + "' is not valid.");
        }
        if (p.get("MasterUserPassword") != null) {
            createMasterUser(c.schema, p.get("MasterUserPassword"), c.masterUser);
            c.status = "resetting-master-credentials";
            c.transitionAt = Instant.now().plus(transition);
            c.nextStatus = "available";
        }
        return ok("ModifyDBCluster", clusterXml(c));
    }

    private Response deleteInstance(Map<String, String> p) {
        Instance i = instance(p.get("DBInstanceIdentifier"));
        i.status = "deleting";
        i.nextStatus = "gone";
        i.transitionAt = Instant.now().plus(transition);
        return ok("DeleteDBInstance", instanceXml(i));
    }

    private Response deleteCluster(Map<String, String> p) {
        Cluster c = clusters.get(p.get("DBClusterIdentifier"));
        if (c == null) {
            throw new ApiError(404, "DBClusterNotFoundFault", "DBCluster " + p.get("DBClusterIdentifier") + " not found.");
        }
        c.status = "deleting";
        c.nextStatus = "gone";
        c.transitionAt = Instant.now().plus(transition);
        return ok("DeleteDBCluster", clusterXml(c));
    }

    private Response addTags(Map<String, String> p) {
        tagsByArn(p.get("ResourceName")).putAll(new Call("", p).tags());
        return new Response(200, "<AddTagsToResourceResponse xmlns=\"" + NS + "\">" + metadata() + "</AddTagsToResourceResponse>");
    }

    private Response listTags(Map<String, String> p) {
        return ok("ListTagsForResource", tagList(tagsByArn(p.get("ResourceName"))));
    }

    private Map<String, String> tagsByArn(String arn) {
        for (Instance i : instances.values()) {
            if (i.arn().equals(arn)) {
                return i.tags;
            }
        }
        for (Cluster c : clusters.values()) {
            if (c.arn().equals(arn)) {
                return c.tags;
            }
        }
        throw new ApiError(404, "DBInstanceNotFound", "Resource " + arn + " not found.");
    }

    private Instance instance(String id) {
        Instance i = instances.get(id);
        if (i == null) {
            throw new ApiError(404, "DBInstanceNotFound", "DBInstance " + id + " not found.");
        }
        return i;
    }

    // ------------------------------------------------------------------ state

    private void pending(Instance i, String next) {
        i.status = "creating";
        i.nextStatus = next;
        i.transitionAt = neverAvailable ? Instant.MAX : Instant.now().plus(transition);
    }

    /** Applies due state transitions. */
    private void tick() {
        Instant now = Instant.now();
        for (Instance i : new ArrayList<>(instances.values())) {
            if (i.transitionAt != null && !now.isBefore(i.transitionAt)) {
                i.transitionAt = null;
                if ("gone".equals(i.nextStatus)) {
                    instances.remove(i.id);
                    if (i.schema != null && schemas.remove(i.schema)) {
                        sql("DROP DATABASE IF EXISTS `" + i.schema + "`");
                        dropUser(i.masterUser);
                    }
                    clusters.values().forEach(c -> c.members.remove(i.id));
                } else {
                    i.status = i.nextStatus;
                }
            }
        }
        for (Cluster c : new ArrayList<>(clusters.values())) {
            if (c.transitionAt != null && !now.isBefore(c.transitionAt)) {
                c.transitionAt = null;
                if ("gone".equals(c.nextStatus)) {
                    clusters.remove(c.id);
                    if (schemas.remove(c.schema)) {
                        sql("DROP DATABASE IF EXISTS `" + c.schema + "`");
                        dropUser(c.masterUser);
                    }
                } else {
                    c.status = c.nextStatus;
                }
            }
        }
        blueGreen.tick(now);
        for (Snapshot s : snapshots.values()) {
            if (s.readyAt()[0] != null && !now.isBefore(s.readyAt()[0])) {
                s.readyAt()[0] = null;
                s.status()[0] = "available";
            }
        }
    }

    private String copy(String fromSchema, String name) {
        String schema = "rdsemu_" + Names.of("x", "y", name).schema().substring("x_y_pr_".length());
        if (schema.length() > 64) {
            schema = schema.substring(0, 64);
        }
        sql("DROP DATABASE IF EXISTS `" + schema + "`");
        new SchemaCopier(2, Progress.silent()).copyOnServer(server.root(null), fromSchema, schema);
        schemas.add(schema);
        return schema;
    }

    private String createMasterUser(String schema, String password) {
        String user = "m_" + Names.mysqlUser(schema).substring(0, Math.min(28, Names.mysqlUser(schema).length()));
        return createMasterUser(schema, password, user);
    }

    private String createMasterUser(String schema, String password, String user) {
        for (String host : List.of("%", "localhost")) {
            String account = "'" + user + "'@'" + host + "'";
            sql("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY '" + password.replace("'", "''") + "'");
            sql("ALTER USER " + account + " IDENTIFIED BY '" + password.replace("'", "''") + "'");
            sql("GRANT ALL PRIVILEGES ON `" + schema + "`.* TO " + account);
        }
        return user;
    }

    private void dropUser(String user) {
        sql("DROP USER IF EXISTS '" + user + "'@'%'");
        sql("DROP USER IF EXISTS '" + user + "'@'localhost'");
    }

    private void sql(String statement) {
        ConnectionSpec root = server.root(null);
        try (Connection c = Jdbc.open(root); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ XML

    String instanceXml(Instance i) {
        StringBuilder x = new StringBuilder("<DBInstance>");
        el(x, "DBInstanceIdentifier", i.id);
        el(x, "DBInstanceClass", i.instanceClass);
        el(x, "Engine", i.engine);
        el(x, "DBInstanceStatus", i.status);
        el(x, "MasterUsername", i.masterUser);
        el(x, "DBName", i.reportedDbName != null ? i.reportedDbName : i.schema);
        if (!"creating".equals(i.status) && i.schema != null) {
            EmbeddedMariaDb at = i.on != null ? i.on : server;
            x.append("<Endpoint><Address>").append(at.host()).append("</Address><Port>").append(at.port())
                    .append("</Port><HostedZoneId>Z1PVIF0B656C1W</HostedZoneId></Endpoint>");
        }
        el(x, "DBClusterIdentifier", i.cluster);
        el(x, "DBInstanceArn", i.arn());
        x.append(tagList(i.tags));
        return x.append("</DBInstance>").toString();
    }

    String clusterXml(Cluster c) {
        StringBuilder x = new StringBuilder("<DBCluster>");
        el(x, "DBClusterIdentifier", c.id);
        el(x, "Status", c.status);
        el(x, "Engine", "aurora-mysql");
        el(x, "DatabaseName", c.schema);
        el(x, "MasterUsername", c.masterUser);
        EmbeddedMariaDb at = c.on != null ? c.on : server;
        el(x, "Endpoint", at.host());
        el(x, "ReaderEndpoint", at.host());
        el(x, "Port", String.valueOf(at.port()));
        el(x, "DBClusterArn", c.arn());
        x.append("<DBClusterMembers>");
        for (String m : c.members) {
            x.append("<DBClusterMember><DBInstanceIdentifier>").append(esc(m))
                    .append("</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>");
        }
        x.append("</DBClusterMembers>");
        x.append(tagList(c.tags));
        return x.append("</DBCluster>").toString();
    }

    private String snapshotXml(Snapshot s) {
        StringBuilder x = new StringBuilder("<DBSnapshot>");
        el(x, "DBSnapshotIdentifier", s.id());
        el(x, "DBInstanceIdentifier", s.instance());
        el(x, "SnapshotCreateTime", s.created().toString());
        el(x, "Engine", "mysql");
        el(x, "Status", s.status()[0]);
        el(x, "SnapshotType", s.type());
        el(x, "PercentProgress", "available".equals(s.status()[0]) ? "100" : "42");
        el(x, "DBSnapshotArn", "arn:aws:rds:" + REGION + ":" + ACCOUNT + ":snapshot:" + s.id());
        return x.append("</DBSnapshot>").toString();
    }

    static String tagList(Map<String, String> tags) {
        StringBuilder x = new StringBuilder("<TagList>");
        tags.forEach((k, v) -> x.append("<Tag><Key>").append(esc(k)).append("</Key><Value>").append(esc(v)).append("</Value></Tag>"));
        return x.append("</TagList>").toString();
    }

    Response page(String action, String wrapper, List<String> items, Map<String, String> p) {
        int from = p.get("Marker") == null ? 0 : Integer.parseInt(p.get("Marker"));
        int to = Math.min(items.size(), from + pageSize);
        String body = "<" + wrapper + ">" + String.join("", items.subList(from, to)) + "</" + wrapper + ">"
                + (to < items.size() ? "<Marker>" + to + "</Marker>" : "");
        return ok(action, body);
    }

    static Response ok(String action, String resultBody) {
        return new Response(200, "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>" + resultBody + "</" + action
                + "Result>" + metadata() + "</" + action + "Response>");
    }

    private static Response error(int status, String code, String message) {
        return new Response(status, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + (status >= 500 ? "Receiver" : "Sender")
                + "</Type><Code>" + code + "</Code><Message>" + esc(message) + "</Message></Error><RequestId>"
                + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static String metadata() {
        return "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>";
    }

    static void el(StringBuilder x, String name, String value) {
        if (value != null) {
            x.append('<').append(name).append('>').append(esc(value)).append("</").append(name).append('>');
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    static <T> List<T> unmodifiable(List<T> l) {
        return Collections.unmodifiableList(l);
    }
}
