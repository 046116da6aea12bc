package dev.dbpromote.bluegreen;

import dev.dbpromote.clone.aws.AwsClientFactory;
import dev.dbpromote.clone.aws.AwsCloners;
import dev.dbpromote.clone.aws.AwsErrors;
import dev.dbpromote.clone.aws.Waits;
import dev.dbpromote.config.Config;
import dev.dbpromote.config.DatabaseConfig;
import dev.dbpromote.config.Durations;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.db.Passwords;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.env.Names;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.BlueGreenDeployment;
import software.amazon.awssdk.services.rds.model.BlueGreenDeploymentNotFoundException;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbClusterParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Blue/green on RDS MySQL and Aurora MySQL, driven through RDS Blue/Green Deployments: {@code CreateBlueGreenDeployment}
 * builds green (a copy of blue that RDS keeps in sync by binlog replication) with green's own parameter group
 * ({@code greenParameterGroup}: {@code read_only=0}, or the migrations cannot run on green), migrate and validate work on
 * green's endpoint, {@code SwitchoverBlueGreenDeployment} makes green production under blue's names (RDS rolls back a
 * switchover that does not finish within {@code SwitchoverTimeout}), and blue, renamed {@code <name>-old1} by RDS, is
 * tagged to be kept for {@code keepBlueFor} and then removed by {@code env reap}. {@code DeleteBlueGreenDeployment} with
 * {@code DeleteTarget} discards green before the switchover; blue is never modified by anything here except its tags
 * after the switchover.
 *
 * <p>Nothing is kept on the agent: the deployment is found again by our tags ({@code dbpromote:managed-by},
 * {@code :app}, {@code :env}) on every step, as the RDS API reports it
 * (<a href="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_BlueGreenDeployment.html">BlueGreenDeployment</a>).
 *
 * <pre>{@code
 * try (var bg = RdsBlueGreen.open(config, "production", System::getenv, progress, Clock.systemUTC())) {
 *     bg.create(false); ... bg.switchover(false);
 * }
 * }</pre>
 */
public final class RdsBlueGreen implements BlueGreen {

    /** Marks the old blue kept after a switchover: {@code env reap} deletes it once its expires-at has passed. */
    public static final String ROLE = "dbpromote:role";
    public static final String OLD_BLUE = "old-blue";

    static final String PROVISIONING = "PROVISIONING";
    static final String AVAILABLE = "AVAILABLE";
    static final String SWITCHOVER_IN_PROGRESS = "SWITCHOVER_IN_PROGRESS";
    static final String SWITCHOVER_COMPLETED = "SWITCHOVER_COMPLETED";
    static final String SWITCHOVER_FAILED = "SWITCHOVER_FAILED";
    static final String INVALID_CONFIGURATION = "INVALID_CONFIGURATION";
    static final String DELETING = "DELETING";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /**
     * An RDS/Aurora blue/green environment as config describes it.
     *
     * @param identifier blue: the RDS instance or Aurora cluster serving production
     * @param password read from the job's environment when a step connects (green and blue share their users)
     */
    public record Target(String app, String env, boolean aurora, String identifier, String region, String endpoint,
            String greenParameterGroup, Duration switchoverTimeout, Duration keepBlueFor, Duration maxReplicaLag,
            Duration maxTransactionAge, String database, String user, Supplier<Secret> password, String createdBy) {

        String kind() {
            return aurora ? "Aurora cluster" : "RDS instance";
        }

        /** {@code strategy: blue-green} with {@code rds:} or {@code aurora:} (and no self-managed {@code green:}). */
        public static boolean applies(Config config, String env) {
            DatabaseConfig db = config.environment(env).database();
            return db.isBlueGreen() && db.green() == null && (db.rds() != null || db.aurora() != null);
        }

        public static Target of(Config config, String env, Function<String, String> environment) {
            DatabaseConfig db = config.environment(env).database();
            if (!applies(config, env)) {
                throw DbPromoteException.invalid("Environment '" + env + "' is not blue-green on RDS/Aurora: set environments." + env
                        + ".database.strategy: blue-green with rds: {instance: ...} or aurora: {cluster: ...}.");
            }
            boolean aurora = db.aurora() != null;
            String user = db.user() != null ? db.user() : config.source().user();
            String where = "environments." + env + ".database";
            String database = db.database() != null ? db.database() : config.source().database();
            // Region and endpoint as the snapshot step finds them: the environment's own, else the source's.
            var s = config.source();
            String region = firstNonNull(aurora ? db.aurora().region() : db.rds().region(), s.rds() != null ? s.rds().region() : null,
                    s.aurora() != null ? s.aurora().region() : null);
            String endpoint = firstNonNull(aurora ? db.aurora().endpoint() : db.rds().endpoint(), s.rds() != null ? s.rds().endpoint() : null,
                    s.aurora() != null ? s.aurora().endpoint() : null);
            return new Target(config.app(), env, aurora, aurora ? db.aurora().cluster() : db.rds().instance(), region, endpoint,
                    db.greenParameterGroup(), duration(db.switchoverTimeout(), BlueGreenTarget.DEFAULT_SWITCHOVER_TIMEOUT),
                    duration(db.keepBlueFor(), BlueGreenTarget.DEFAULT_KEEP_BLUE_FOR),
                    duration(db.maxReplicaLag(), BlueGreenTarget.DEFAULT_MAX_REPLICA_LAG),
                    duration(db.maxTransactionAge(), BlueGreenTarget.DEFAULT_MAX_TRANSACTION_AGE), database, user,
                    () -> {
                        if (user == null) {
                            throw DbPromoteException.invalid("Environment '" + env + "' has no database 'user'. Set " + where + ".user.");
                        }
                        return Passwords.resolve(db, environment, config.baseDir(), where);
                    }, environment.apply("BUILD_URL"));
        }

        private static Duration duration(String text, Duration fallback) {
            return text == null ? fallback : Durations.parse(text);
        }

        private static String firstNonNull(String... values) {
            for (String v : values) {
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }

    /** An RDS instance or Aurora cluster as DescribeDBInstances/DescribeDBClusters report it. */
    record Db(String id, String arn, String status, String host, Integer port, Map<String, String> tags, List<String> members) {
    }

    private final RdsClient rds;
    private final Target t;
    private final Waits waits;
    private final Progress progress;
    private final Clock clock;

    public RdsBlueGreen(RdsClient rds, Target target, Waits waits, Progress progress, Clock clock) {
        this.rds = rds;
        this.t = target;
        this.waits = waits;
        this.progress = progress;
        this.clock = clock;
    }

    /** The client from the one AWS client factory (region, credentials, retry strategy), waits from {@code database.waitTimeout}. */
    public static RdsBlueGreen open(Config config, String env, Function<String, String> environment, Progress progress, Clock clock) {
        Target target = Target.of(config, env, environment);
        return new RdsBlueGreen(AwsClientFactory.rds(target.region(), target.endpoint(), environment), target,
                AwsCloners.waits(config.environment(env).database(), environment), progress, clock);
    }

    public Target target() {
        return t;
    }

    // ---------------------------------------------------------------------------------------------------- create

    public BlueGreenResult create(boolean dryRun) {
        long started = System.nanoTime();
        if (t.greenParameterGroup() == null || t.greenParameterGroup().isBlank()) {
            throw DbPromoteException.invalid("environments." + t.env() + ".database.greenParameterGroup is not set: green needs a"
                    + " parameter group with read_only=0 (RDS makes green a read replica, read-only by default), or the migrations"
                    + " cannot write to it. " + howToCreate("orders-green-rw") + " Nothing was created.");
        }
        Db blue = blue();
        Optional<BlueGreenDeployment> mine = active();
        if (mine.isPresent()) {
            BlueGreenDeployment d = mine.get();
            if (Set.of(PROVISIONING, AVAILABLE, SWITCHOVER_FAILED).contains(d.status())) {
                progress.line("Reusing blue/green deployment %s of %s (%s)", d.blueGreenDeploymentIdentifier(), blue.id(), d.status());
                if (dryRun) {
                    return result("create", "planned", phase(d.status()), d, null, List.of(), "Would reuse blue/green deployment "
                            + d.blueGreenDeploymentIdentifier() + " (" + d.status() + ").", started);
                }
                BlueGreenDeployment ready = PROVISIONING.equals(d.status()) ? awaitAvailable(d.blueGreenDeploymentIdentifier()) : d;
                return result("create", "reused", phase(ready.status()), ready, null, List.of(), "Green " + name(ready.target())
                        + " of deployment " + ready.blueGreenDeploymentIdentifier() + " already replicates from blue " + blue.id()
                        + "; reused.", started);
            }
            throw DbPromoteException.invalid("Blue/green deployment " + d.blueGreenDeploymentIdentifier() + " of '" + t.env() + "' is "
                    + d.status() + (d.statusDetails() == null ? "" : " (" + d.statusDetails() + ")") + "; it cannot be reused and"
                    + " dbpromote never creates two. Run 'dbpromote bluegreen delete --env " + t.env() + "' to remove it with its"
                    + " green (blue is not touched), then create again.");
        }
        List<BlueGreenDeployment> foreign = onSource(blue.arn()).stream().filter(d -> !ours(d))
                .filter(d -> !Set.of(SWITCHOVER_COMPLETED, DELETING).contains(d.status())).toList();
        if (!foreign.isEmpty()) {
            BlueGreenDeployment d = foreign.get(0);
            throw DbPromoteException.invalid("A blue/green deployment not created by dbpromote for '" + t.env() + "' is already in"
                    + " progress on " + t.kind() + " '" + blue.id() + "': " + d.blueGreenDeploymentIdentifier() + " ("
                    + d.blueGreenDeploymentName() + ", " + d.status() + "). RDS allows one per source and dbpromote never touches"
                    + " what it did not create: finish or delete that one (aws rds delete-blue-green-deployment) first.");
        }
        checkParameterGroup();
        String name = deploymentName();
        if (dryRun) {
            progress.line("Would create blue/green deployment %s from %s %s with green parameter group %s", name, t.kind(), blue.id(),
                    t.greenParameterGroup());
            return result("create", "planned", "none", null, null, List.of(), "Would create blue/green deployment " + name + " of "
                    + blue.id() + " (green parameter group " + t.greenParameterGroup() + ").", started);
        }
        // A deployment that finished its switchover is only a record now (its instances are production and the old
        // blue); RDS takes no DeleteTarget for it, and removing it never touches an instance.
        for (BlueGreenDeployment done : ours().stream().filter(d -> SWITCHOVER_COMPLETED.equals(d.status())).toList()) {
            AwsErrors.call("DeleteBlueGreenDeployment " + done.blueGreenDeploymentIdentifier(), () -> rds.deleteBlueGreenDeployment(r -> r
                    .blueGreenDeploymentIdentifier(done.blueGreenDeploymentIdentifier())));
            progress.line("Removed the record of the earlier, switched-over deployment %s (its instances stay)",
                    done.blueGreenDeploymentIdentifier());
        }
        List<Tag> tags = ManagedTags.of(t.app(), t.env(), null, null, t.createdBy()).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        BlueGreenDeployment created = AwsErrors.call("CreateBlueGreenDeployment " + name, () -> rds.createBlueGreenDeployment(r -> {
            r.blueGreenDeploymentName(name).source(blue.arn()).tags(tags);
            if (t.aurora()) {
                r.targetDBClusterParameterGroupName(t.greenParameterGroup());
            } else {
                r.targetDBParameterGroupName(t.greenParameterGroup());
            }
        })).blueGreenDeployment();
        progress.line("Creating blue/green deployment %s (%s) of %s %s; green gets parameter group %s", name,
                created.blueGreenDeploymentIdentifier(), t.kind(), blue.id(), t.greenParameterGroup());
        BlueGreenDeployment ready = awaitAvailable(created.blueGreenDeploymentIdentifier());
        return result("create", "created", "replicating", ready, null, List.of(), "Green " + name(ready.target()) + " of deployment "
                + ready.blueGreenDeploymentIdentifier() + " replicates from blue " + blue.id() + ". Migrate and validate it with --env "
                + t.env() + ".", started);
    }

    private BlueGreenDeployment awaitAvailable(String id) {
        waits.until("blue/green deployment " + id, () -> deployment(id).map(BlueGreenDeployment::status).orElse("deleted"),
                Set.of(AVAILABLE), Set.of(INVALID_CONFIGURATION, DELETING, "deleted"),
                "Green is not available; blue was not changed. The deployment is tagged " + ManagedTags.MANAGED_BY + "="
                        + ManagedTags.MANAGED_BY_VALUE + ": run 'dbpromote bluegreen create --env " + t.env() + "' again to keep waiting"
                        + " (it is reused), or 'dbpromote bluegreen delete --env " + t.env() + "' to remove it with its green.", progress);
        return deployment(id).orElseThrow();
    }

    /**
     * Green is read-only unless its parameter group says {@code read_only=0} (RDS makes green a read replica of blue),
     * so the migrations could not run there. Checked before anything is created.
     */
    private void checkParameterGroup() {
        String pg = t.greenParameterGroup();
        String where = "environments." + t.env() + ".database.greenParameterGroup";
        String readOnly;
        try {
            if (t.aurora()) {
                AwsErrors.call("DescribeDBClusterParameterGroups " + pg, () -> rds.describeDBClusterParameterGroups(r -> r
                        .dbClusterParameterGroupName(pg)));
                List<Parameter> params = new ArrayList<>();
                AwsErrors.call("DescribeDBClusterParameters " + pg, () -> {
                    rds.describeDBClusterParametersPaginator(r -> r.dbClusterParameterGroupName(pg)).parameters().forEach(params::add);
                    return null;
                });
                readOnly = readOnly(params);
            } else {
                AwsErrors.call("DescribeDBParameterGroups " + pg, () -> rds.describeDBParameterGroups(r -> r.dbParameterGroupName(pg)));
                List<Parameter> params = new ArrayList<>();
                AwsErrors.call("DescribeDBParameters " + pg, () -> {
                    rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(pg)).parameters().forEach(params::add);
                    return null;
                });
                readOnly = readOnly(params);
            }
        } catch (DbPromoteException e) {
            if (e.getCause() instanceof DbParameterGroupNotFoundException || e.getCause() instanceof DbClusterParameterGroupNotFoundException) {
                throw DbPromoteException.invalid((t.aurora() ? "DB cluster" : "DB") + " parameter group '" + pg + "' (" + where
                        + ") does not exist. " + howToCreate(pg) + " Nothing was created.", e.getCause());
            }
            throw e;
        }
        if (!"0".equals(readOnly)) {
            throw DbPromoteException.invalid((t.aurora() ? "DB cluster" : "DB") + " parameter group '" + pg + "' (" + where + ") sets read_only="
                    + (readOnly == null ? "{TrueIfReplica} (the engine default)" : readOnly) + (readOnly == null || readOnly.contains("TrueIfReplica")
                            ? ", so green, a replica of blue, would be read-only" : "") + "; green must be writable for the migrations. Set it: "
                    + modify(pg) + " Nothing was created.");
        }
    }

    private static String readOnly(List<Parameter> params) {
        return params.stream().filter(p -> "read_only".equals(p.parameterName())).map(Parameter::parameterValue).findFirst().orElse(null);
    }

    private String howToCreate(String pg) {
        return t.aurora()
                ? "Create one in blue's family and make it writable: aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name "
                        + pg + " --db-parameter-group-family aurora-mysql8.0 --description 'dbpromote green (writable)'; then " + modify(pg)
                : "Create one in blue's family and make it writable: aws rds create-db-parameter-group --db-parameter-group-name " + pg
                        + " --db-parameter-group-family mysql8.0 --description 'dbpromote green (writable)'; then " + modify(pg);
    }

    private String modify(String pg) {
        return (t.aurora() ? "aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name " : "aws rds modify-db-parameter-group"
                + " --db-parameter-group-name ") + pg + " --parameters ParameterName=read_only,ParameterValue=0,ApplyMethod=immediate.";
    }

    private String deploymentName() {
        String base = Names.of(t.app(), t.env(), null).rdsIdentifier();
        base = base.length() > 42 ? base.substring(0, 42).replaceAll("-+$", "") : base;
        return base + "-bg-" + STAMP.format(clock.instant());
    }

    // ---------------------------------------------------------------------------------------------------- switchover

    public BlueGreenResult switchover(boolean dryRun) {
        long started = System.nanoTime();
        Optional<BlueGreenDeployment> mine = active();
        if (mine.isEmpty()) {
            Optional<BlueGreenDeployment> done = latestCompleted();
            if (done.isPresent()) {
                return result("switchover", "already-switched-over", "switched-over", done.get(), null, List.of(), "'" + t.env()
                        + "' was already switched over by deployment " + done.get().blueGreenDeploymentIdentifier() + "; nothing to do.",
                        started);
            }
            throw DbPromoteException.invalid("Environment '" + t.env() + "' has no blue/green deployment to switch over. Run 'dbpromote"
                    + " bluegreen create --env " + t.env() + "' first.");
        }
        BlueGreenDeployment d = mine.get();
        if (!Set.of(AVAILABLE, SWITCHOVER_FAILED).contains(d.status())) {
            return result("switchover", "refused", phase(d.status()), d, null, List.of("green is " + d.status()
                    + (d.statusDetails() == null ? "" : " (" + d.statusDetails() + ")") + ", not AVAILABLE; RDS switches over only an"
                    + " available deployment"), "Not switched over: green of deployment " + d.blueGreenDeploymentIdentifier()
                    + " is not available. Nothing was changed.", started);
        }
        Lag lag = lag(d);
        List<String> problems = new ArrayList<>(lag.problems());
        problems.addAll(longTransactions());
        if (!problems.isEmpty()) {
            return result("switchover", "refused", "replicating", d, lag.seconds(), problems, "Not switched over: a guardrail refused."
                    + " Nothing was changed; blue " + t.identifier() + " still serves '" + t.env() + "'.", started);
        }
        long seconds = Math.max(30, Math.min(3600, t.switchoverTimeout().toSeconds()));
        if (dryRun) {
            return result("switchover", "planned", "replicating", d, lag.seconds(), List.of(), "Would switch over deployment "
                    + d.blueGreenDeploymentIdentifier() + " (SwitchoverTimeout " + seconds + " s): green " + name(d.target())
                    + " becomes " + t.identifier() + ", blue is kept as " + t.identifier() + "-old1 until "
                    + clock.instant().plus(t.keepBlueFor()) + ".", started);
        }
        String id = d.blueGreenDeploymentIdentifier();
        AwsErrors.call("SwitchoverBlueGreenDeployment " + id, () -> rds.switchoverBlueGreenDeployment(r -> r
                .blueGreenDeploymentIdentifier(id).switchoverTimeout((int) seconds)));
        progress.line("Switching over deployment %s (SwitchoverTimeout %d s)", id, seconds);
        // RDS gives up (and rolls back) at SwitchoverTimeout; we wait that long plus time for the status to settle.
        Waits switchWait = new Waits(t.switchoverTimeout().plus(waits.cap()), waits.initial(), waits.cap());
        String rolledBack = "RDS rolls a switchover back when it does not complete within SwitchoverTimeout (" + seconds + " s): blue "
                + t.identifier() + " still serves '" + t.env() + "' unchanged, and green " + name(d.target()) + " still replicates"
                + " from it. Check 'dbpromote bluegreen status --env " + t.env() + "', then retry the switchover or run 'dbpromote"
                + " bluegreen delete --env " + t.env() + "'.";
        try {
            switchWait.until("switchover of " + id, () -> deployment(id).map(BlueGreenDeployment::status).orElse("deleted"),
                    Set.of(SWITCHOVER_COMPLETED), Set.of(SWITCHOVER_FAILED, INVALID_CONFIGURATION, "deleted"), rolledBack, progress);
        } catch (DbPromoteException e) {
            String details = deployment(id).map(BlueGreenDeployment::statusDetails).orElse(null);
            throw DbPromoteException.external("Switchover of '" + t.env() + "' did not complete" + (details == null ? "" : " (" + details + ")")
                    + ": " + e.getMessage(), e);
        }
        BlueGreenDeployment done = deployment(id).orElseThrow();
        Instant now = clock.instant();
        Instant keepUntil = now.plus(t.keepBlueFor());
        String oldBlue = tagOldBlue(done, keepUntil);
        progress.line("Green is production now under the name %s; old blue %s is kept until %s as the rollback point", t.identifier(),
                oldBlue, keepUntil);
        BlueGreenResult r = result("switchover", "switched-over", "switched-over", done, 0L, List.of(), "Switched over: green serves '"
                + t.env() + "' as " + t.identifier() + " (same endpoint). Old blue " + oldBlue + " is kept until " + keepUntil
                + "; 'dbpromote env reap' deletes it after that.", started);
        return new BlueGreenResult(r.env(), r.action(), r.outcome(), r.phase(), oldBlue, t.identifier(), r.database(), null, null, 0L, null,
                null, now, keepUntil, List.of(), r.message(), r.millis(), r.deployment());
    }

    /**
     * Tags the old blue (RDS renamed it {@code <name>-oldN}; the deployment's source now names it) with our tags and
     * {@code expires-at = now + keepBlueFor}, so {@code env reap} deletes it then and not before. Never the instance
     * now serving under blue's name.
     */
    private String tagOldBlue(BlueGreenDeployment done, Instant keepUntil) {
        Optional<Db> old = find(done.source());
        if (old.isEmpty() || old.get().id().equals(t.identifier())) {
            progress.line("Could not identify the old blue from deployment %s (source %s); it is not tagged for reaping, delete it yourself"
                    + " when no longer needed", done.blueGreenDeploymentIdentifier(), done.source());
            return name(done.source());
        }
        Map<String, String> tags = new LinkedHashMap<>(ManagedTags.of(t.app(), t.env(), null, keepUntil, t.createdBy()));
        tags.put(ROLE, OLD_BLUE);
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        AwsErrors.call("AddTagsToResource " + old.get().id(), () -> rds.addTagsToResource(r -> r.resourceName(old.get().arn()).tags(tagList)));
        for (String member : old.get().members()) {
            describeInstance(member).ifPresent(i -> AwsErrors.call("AddTagsToResource " + member, () -> rds.addTagsToResource(r -> r
                    .resourceName(i.dbInstanceArn()).tags(tagList))));
        }
        return old.get().id();
    }

    // ---------------------------------------------------------------------------------------------------- delete

    /** Discards green before the switchover: {@code DeleteBlueGreenDeployment} with {@code DeleteTarget}. Never touches blue. */
    public BlueGreenResult delete(boolean dryRun) {
        long started = System.nanoTime();
        Optional<BlueGreenDeployment> mine = active();
        if (mine.isEmpty()) {
            if (latestCompleted().isPresent()) {
                throw DbPromoteException.invalid("'" + t.env() + "' was switched over by deployment "
                        + latestCompleted().get().blueGreenDeploymentIdentifier() + "; green is production now and is never deleted. The"
                        + " old blue is kept until its " + ManagedTags.EXPIRES_AT + " tag and then removed by 'dbpromote env reap'"
                        + " (README: 'Production strategies: in place or blue/green').");
            }
            return result("delete", "nothing-to-delete", "none", null, null, List.of(), "No blue/green deployment for '" + t.env()
                    + "'; nothing deleted.", started);
        }
        BlueGreenDeployment d = mine.get();
        String id = d.blueGreenDeploymentIdentifier();
        // Re-read the tags from RDS itself right before deleting: never on the strength of an earlier answer.
        BlueGreenDeployment fresh = deployment(id).orElse(null);
        if (fresh == null) {
            return result("delete", "nothing-to-delete", "none", null, null, List.of(), "Deployment " + id + " is gone already.", started);
        }
        if (!ours(fresh)) {
            throw DbPromoteException.invalid("Refusing to delete blue/green deployment " + id + ": it is not tagged " + ManagedTags.MANAGED_BY
                    + "=" + ManagedTags.MANAGED_BY_VALUE + " for app '" + t.app() + "' and environment '" + t.env() + "'.");
        }
        if (SWITCHOVER_IN_PROGRESS.equals(fresh.status())) {
            throw DbPromoteException.invalid("Deployment " + id + " is switching over right now; it cannot be deleted. Wait for it and"
                    + " check 'dbpromote bluegreen status --env " + t.env() + "'.");
        }
        if (dryRun) {
            return result("delete", "planned", phase(fresh.status()), fresh, null, List.of(), "Would delete deployment " + id
                    + " and its green " + name(fresh.target()) + " (DeleteTarget); blue " + t.identifier() + " untouched.", started);
        }
        AwsErrors.call("DeleteBlueGreenDeployment " + id, () -> rds.deleteBlueGreenDeployment(r -> r.blueGreenDeploymentIdentifier(id)
                .deleteTarget(true)));
        progress.line("Deleting deployment %s with its green %s; blue %s untouched", id, name(fresh.target()), t.identifier());
        waits.until("deletion of " + id, () -> deployment(id).map(BlueGreenDeployment::status).orElse("deleted"), Set.of("deleted"),
                Set.of(), "RDS is still deleting it; 'dbpromote bluegreen status --env " + t.env() + "' shows when it is gone.", progress);
        return result("delete", "deleted", "none", fresh, null, List.of(), "Deployment " + id + " and its green " + name(fresh.target())
                + " deleted; blue " + t.identifier() + " untouched.", started);
    }

    // ---------------------------------------------------------------------------------------------------- status

    public BlueGreenResult status() {
        long started = System.nanoTime();
        Optional<BlueGreenDeployment> d = active().or(this::latestCompleted);
        if (d.isEmpty()) {
            return result("status", "status", "none", null, null, List.of(), "No blue/green deployment for '" + t.env() + "'.", started);
        }
        Long lag = AVAILABLE.equals(d.get().status()) ? lag(d.get()).seconds() : null;
        return result("status", "status", phase(d.get().status()), d.get(), lag, List.of(), "Deployment "
                + d.get().blueGreenDeploymentIdentifier() + " of '" + t.env() + "': " + d.get().status()
                + (lag == null ? "" : ", green " + lag + " s behind blue") + ".", started);
    }

    // ---------------------------------------------------------------------------------------------------- endpoints

    /**
     * Where migrate and validate work: green's endpoint while the deployment is available; after the switchover,
     * production under blue's name. The credential is the environment's own, read now (green is a copy of blue, users
     * included); changing green's master password would change production's at the switchover.
     */
    public ConnectionSpec greenConnection() {
        Optional<BlueGreenDeployment> d = active();
        if (d.isEmpty()) {
            if (latestCompleted().isPresent()) {
                return connection(find(t.identifier()).orElseThrow(() -> notFound(t.identifier())));
            }
            throw DbPromoteException.invalid("Environment '" + t.env() + "' is blue-green and has no green yet. Run 'dbpromote bluegreen"
                    + " create --env " + t.env() + "' first; migrate and validate then work on green.");
        }
        if (!Set.of(AVAILABLE, SWITCHOVER_FAILED).contains(d.get().status())) {
            throw DbPromoteException.invalid("Green of deployment " + d.get().blueGreenDeploymentIdentifier() + " is " + d.get().status()
                    + ", not AVAILABLE. Run 'dbpromote bluegreen create --env " + t.env() + "' (it waits for green) first.");
        }
        Db green = find(d.get().target()).orElseThrow(() -> DbPromoteException.external("Green " + d.get().target() + " of deployment "
                + d.get().blueGreenDeploymentIdentifier() + " was not found. Check 'dbpromote bluegreen status --env " + t.env() + "'."));
        return connection(green);
    }

    /** Blue's endpoint (production now), for the comparison of green with blue. */
    public ConnectionSpec blueConnection() {
        return connection(blue());
    }

    /** Whether green still replicates from blue (so it can be compared with blue). */
    public boolean replicating() {
        return active().map(d -> AVAILABLE.equals(d.status())).orElse(false);
    }

    private ConnectionSpec connection(Db db) {
        if (db.host() == null) {
            throw DbPromoteException.external(t.kind() + " '" + db.id() + "' has no endpoint yet (status " + db.status() + ").");
        }
        return new ConnectionSpec(db.host(), db.port() == null ? 3306 : db.port(), t.database(), t.user(), t.password().get());
    }

    /**
     * Waits until green has applied everything it has received from blue (its applier caught up with its reader and no
     * lag), so tables no migration touched match blue at that moment; at most {@code switchoverTimeout}.
     */
    public void awaitCaughtUp() {
        ConnectionSpec green = greenConnection();
        long deadline = System.nanoTime() + t.switchoverTimeout().toNanos();
        try (Connection c = Jdbc.open(green.withDatabase(null))) {
            Replication r = Replication.on(c);
            while (true) {
                ReplicaStatus st = r.status();
                if (!st.configured() || st.lagSeconds() != null && st.lagSeconds() == 0 && caughtUp(c)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    progress.line("Green did not catch up with blue within %s (%s); comparing anyway",
                            Durations.format(t.switchoverTimeout()), SelfManagedBlueGreen.describe(st));
                    return;
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw Jdbc.translate(green, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The applier has executed all the reader fetched (MySQL 8.4 names these columns Source_*: lag 0 is all we have there). */
    private static boolean caughtUp(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return true;
            }
            return rs.getString("Master_Log_File").equals(rs.getString("Relay_Master_Log_File"))
                    && rs.getLong("Read_Master_Log_Pos") == rs.getLong("Exec_Master_Log_Pos");
        } catch (SQLException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------- reap

    /** One old blue {@code env reap} deleted (or, with a dry run, would delete). */
    public record Reaped(String id, String kind, String expiresAt, boolean dryRun) {
    }

    /**
     * Deletes every old blue of this environment whose keep time has passed: tagged by us ({@code managed-by}, this
     * app and environment, {@code role=old-blue}) and expired. Never the instance or cluster now serving production
     * under blue's name, never one without our tags (an {@code -old1} RDS left from a switchover made by hand), never
     * before its {@code expires-at}. RDS takes a final snapshot of it ({@code <id>-final}).
     */
    public List<Reaped> reapOldBlue(boolean dryRun) {
        Instant now = clock.instant();
        List<Reaped> out = new ArrayList<>();
        for (Db db : candidates()) {
            Map<String, String> tags = db.tags();
            boolean mine = mine(tags) && OLD_BLUE.equals(tags.get(ROLE));
            if (!mine || db.id().equals(t.identifier()) || !ManagedTags.isExpired(tags, now)) {
                continue;
            }
            String expires = tags.get(ManagedTags.EXPIRES_AT);
            List<String> foreign = db.members().stream().filter(m -> !describeInstance(m).map(i -> mine(tags(i.tagList()))).orElse(true)).toList();
            if (!foreign.isEmpty()) {
                // Every destructive action checks our tags on what it deletes: an instance someone added to the old
                // cluster by hand is not ours, and the cluster cannot go without it.
                progress.line("keeping old blue %s %s: its instance(s) %s are not tagged %s=%s for app '%s' and environment '%s'"
                        + " (added by hand?); delete them yourself, then the next 'dbpromote env reap' removes the rest", t.kind(), db.id(),
                        String.join(", ", foreign), ManagedTags.MANAGED_BY, ManagedTags.MANAGED_BY_VALUE, t.app(), t.env());
                continue;
            }
            if (dryRun) {
                progress.line("dry run: would delete old blue %s %s (kept until %s)", t.kind(), db.id(), expires);
            } else {
                progress.line("deleting old blue %s %s (kept until %s), final snapshot %s-final", t.kind(), db.id(), expires, db.id());
                deleteOldBlue(db);
            }
            out.add(new Reaped(db.id(), t.kind(), expires, dryRun));
        }
        return out;
    }

    /** Tagged by us for this app and environment. */
    private boolean mine(Map<String, String> tags) {
        return ManagedTags.isManaged(tags) && t.app().equals(tags.get(ManagedTags.APP)) && t.env().equals(tags.get(ManagedTags.ENV));
    }

    private List<Db> candidates() {
        List<Db> out = new ArrayList<>();
        AwsErrors.call(t.aurora() ? "DescribeDBClusters" : "DescribeDBInstances", () -> {
            if (t.aurora()) {
                rds.describeDBClustersPaginator().dbClusters().forEach(c -> out.add(db(c)));
            } else {
                rds.describeDBInstancesPaginator().dbInstances().forEach(i -> out.add(db(i)));
            }
            return null;
        });
        return out;
    }

    private void deleteOldBlue(Db db) {
        if (t.aurora()) {
            for (String member : db.members()) {
                AwsErrors.call("DeleteDBInstance " + member, () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier(member)));
            }
            // RDS deletes a cluster only once it has no instances left.
            for (String member : db.members()) {
                waits.until("old blue instance " + member, () -> describeInstance(member).map(DBInstance::dbInstanceStatus).orElse("deleted"),
                        Set.of("deleted"), Set.of(), "The cluster " + db.id() + " is deleted by the next 'dbpromote env reap'.", progress);
            }
            AwsErrors.call("DeleteDBCluster " + db.id(), () -> rds.deleteDBCluster(r -> r.dbClusterIdentifier(db.id())
                    .skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalSnapshot(db.id()))));
        } else {
            AwsErrors.call("DeleteDBInstance " + db.id(), () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier(db.id())
                    .skipFinalSnapshot(false).finalDBSnapshotIdentifier(finalSnapshot(db.id()))));
        }
    }

    private static String finalSnapshot(String id) {
        return (id.length() > 57 ? id.substring(0, 57).replaceAll("-+$", "") : id) + "-final";
    }

    // ---------------------------------------------------------------------------------------------------- guardrails

    record Lag(Long seconds, List<String> problems) {
    }

    /** Green's own replica status (RDS exposes replica lag only as a CloudWatch metric; green's SHOW SLAVE STATUS is the truth). */
    private Lag lag(BlueGreenDeployment d) {
        ConnectionSpec green = find(d.target()).map(this::connection).orElse(null);
        if (green == null) {
            return new Lag(null, List.of("green " + d.target() + " was not found"));
        }
        try (Connection c = Jdbc.open(green.withDatabase(null))) {
            ReplicaStatus st = Replication.on(c).status();
            if (!st.configured()) {
                return new Lag(null, List.of());
            }
            if (!st.running()) {
                return new Lag(st.lagSeconds(), List.of("replication from blue is broken on green: " + SelfManagedBlueGreen.describe(st)
                        + ". A migration on green that is not replication-compatible (lint: bluegreen-incompatible) is the usual cause"));
            }
            if (st.lagSeconds() != null && st.lagSeconds() > t.maxReplicaLag().toSeconds()) {
                return new Lag(st.lagSeconds(), List.of("green is " + st.lagSeconds() + " s behind blue, more than maxReplicaLag ("
                        + Durations.format(t.maxReplicaLag()) + "); writes would be refused until green caught up. Wait and retry"));
            }
            return new Lag(st.lagSeconds(), List.of());
        } catch (SQLException | DbPromoteException e) {
            // A user without REPLICATION CLIENT cannot read it; RDS's own guardrails still check lag at the switchover.
            progress.line("Could not read green's replication status as %s (%s); relying on RDS's own replica-lag guardrail",
                    green.user(), e.getMessage());
            return new Lag(null, List.of());
        }
    }

    /** Transactions on blue older than {@code maxTransactionAge}: RDS's guardrail refuses long-running writes too. */
    private List<String> longTransactions() {
        ConnectionSpec blue = blueConnection();
        List<String> problems = new ArrayList<>();
        try (Connection c = Jdbc.open(blue.withDatabase(null)); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT trx_mysql_thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) FROM information_schema.innodb_trx"
                        + " WHERE trx_started < NOW() - INTERVAL " + t.maxTransactionAge().toSeconds() + " SECOND"
                        + " AND trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started")) {
            while (rs.next()) {
                problems.add("a transaction on blue (connection " + rs.getLong(1) + ") has been open for " + rs.getLong(2)
                        + " s, more than maxTransactionAge (" + Durations.format(t.maxTransactionAge()) + "); RDS's switchover would"
                        + " wait for it. Let it finish (or CALL mysql.rds_kill(" + rs.getLong(1) + ")) and retry");
            }
        } catch (SQLException e) {
            throw Jdbc.translate(blue, e);
        }
        return problems;
    }

    // ---------------------------------------------------------------------------------------------------- RDS reads

    private Db blue() {
        return find(t.identifier()).orElseThrow(() -> notFound(t.identifier()));
    }

    private DbPromoteException notFound(String id) {
        String key = t.aurora() ? "aurora.cluster" : "rds.instance";
        return DbPromoteException.invalid(t.kind() + " '" + id + "' of environment '" + t.env() + "' not found. Check environments."
                + t.env() + ".database." + key + " and the region.");
    }

    /** By identifier or ARN (DescribeDBInstances/DescribeDBClusters take either). */
    Optional<Db> find(String idOrArn) {
        if (idOrArn == null) {
            return Optional.empty();
        }
        if (t.aurora()) {
            return AwsErrors.find("DescribeDBClusters " + idOrArn, DbClusterNotFoundException.class, () -> rds.describeDBClusters(r -> r
                    .dbClusterIdentifier(idOrArn)).dbClusters().stream().findFirst()).map(RdsBlueGreen::db);
        }
        return describeInstance(idOrArn).map(RdsBlueGreen::db);
    }

    private Optional<DBInstance> describeInstance(String idOrArn) {
        return AwsErrors.find("DescribeDBInstances " + idOrArn, DbInstanceNotFoundException.class, () -> rds.describeDBInstances(r -> r
                .dbInstanceIdentifier(idOrArn)).dbInstances().stream().findFirst());
    }

    private static Db db(DBInstance i) {
        return new Db(i.dbInstanceIdentifier(), i.dbInstanceArn(), i.dbInstanceStatus(), i.endpoint() == null ? null : i.endpoint().address(),
                i.endpoint() == null ? null : i.endpoint().port(), tags(i.tagList()), List.of());
    }

    private static Db db(DBCluster c) {
        return new Db(c.dbClusterIdentifier(), c.dbClusterArn(), c.status(), c.endpoint(), c.port(), tags(c.tagList()),
                c.dbClusterMembers().stream().map(m -> m.dbInstanceIdentifier()).toList());
    }

    private Optional<BlueGreenDeployment> deployment(String id) {
        return AwsErrors.find("DescribeBlueGreenDeployments " + id, BlueGreenDeploymentNotFoundException.class, () -> rds
                .describeBlueGreenDeployments(r -> r.blueGreenDeploymentIdentifier(id)).blueGreenDeployments().stream().findFirst());
    }

    /** Every deployment tagged as this app's and environment's (paginated). */
    private List<BlueGreenDeployment> ours() {
        List<BlueGreenDeployment> out = new ArrayList<>();
        AwsErrors.call("DescribeBlueGreenDeployments", () -> {
            rds.describeBlueGreenDeploymentsPaginator(r -> { }).blueGreenDeployments().forEach(d -> {
                if (ours(d)) {
                    out.add(d);
                }
            });
            return null;
        });
        out.sort(Comparator.comparing(BlueGreenDeployment::createTime, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return out;
    }

    private List<BlueGreenDeployment> onSource(String arn) {
        List<BlueGreenDeployment> out = new ArrayList<>();
        AwsErrors.call("DescribeBlueGreenDeployments source=" + arn, () -> {
            rds.describeBlueGreenDeploymentsPaginator(r -> r.filters(Filter.builder().name("source").values(arn).build()))
                    .blueGreenDeployments().forEach(out::add);
            return null;
        });
        return out;
    }

    /** Ours, not yet switched over or being deleted: at most one (dbpromote never creates a second). */
    private Optional<BlueGreenDeployment> active() {
        return ours().stream().filter(d -> !Set.of(SWITCHOVER_COMPLETED, DELETING).contains(d.status())).findFirst();
    }

    private Optional<BlueGreenDeployment> latestCompleted() {
        return ours().stream().filter(d -> SWITCHOVER_COMPLETED.equals(d.status())).findFirst();
    }

    private boolean ours(BlueGreenDeployment d) {
        Map<String, String> tags = tags(d.tagList());
        return ManagedTags.isManaged(tags) && t.app().equals(tags.get(ManagedTags.APP)) && t.env().equals(tags.get(ManagedTags.ENV));
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags == null ? Map.of() : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }

    /** The identifier in an RDS ARN ({@code arn:aws:rds:region:account:db:NAME}). */
    static String name(String arn) {
        return arn == null ? null : arn.substring(arn.lastIndexOf(':') + 1);
    }

    static String phase(String status) {
        return switch (status) {
            case PROVISIONING -> "creating";
            case AVAILABLE, SWITCHOVER_FAILED -> "replicating";
            case SWITCHOVER_IN_PROGRESS -> "switching-over";
            case SWITCHOVER_COMPLETED -> "switched-over";
            default -> status.toLowerCase(java.util.Locale.ROOT);
        };
    }

    private BlueGreenResult result(String action, String outcome, String phase, BlueGreenDeployment d, Long lag, List<String> problems,
            String message, long started) {
        return new BlueGreenResult(t.env(), action, outcome, phase, t.identifier(), d == null ? null : name(d.target()), t.database(), null,
                null, lag, null, null, null, null, problems, message, (System.nanoTime() - started) / 1_000_000,
                d == null ? null : d.blueGreenDeploymentIdentifier());
    }

    @Override
    public void close() {
        rds.close();
    }
}
