package dev.dbpromote.clone;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.env.ManagedTags;
import dev.dbpromote.env.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Clones by copying the source schema into a new schema on a MySQL server: the source's own server
 * (server-side, parallel) or another one (streamed). Each clone gets its own MySQL user with rights on its
 * schema only.
 *
 * <p>MySQL has no tags, so the managed marker is a row in {@code _dbpromote.clones} on the target server
 * holding the same tag pairs AWS resources carry (schema comments exist on MariaDB only). A schema without
 * such a row is never dropped.
 */
public final class MysqlServerCloner implements DatabaseCloner {

    /** The registry schema on the target server. */
    public static final String REGISTRY = "_dbpromote";

    private final ConnectionSpec source;
    private final ConnectionSpec target;
    private final String sourceSchema;
    private final int parallelism;
    private final boolean sameServer;
    /** Copies whose triggers wait for {@link #afterMasking}, by clone name. */
    private final Map<String, SchemaCopier> pendingTriggers = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param source a user on the source server that can read the source schema (database = the source schema)
     * @param target a user on the target server that can create schemas and users (may equal {@code source})
     */
    public MysqlServerCloner(ConnectionSpec source, ConnectionSpec target, int parallelism) {
        this.source = source;
        this.target = target.withDatabase(null);
        this.sourceSchema = source.database();
        this.parallelism = parallelism;
        this.sameServer = source.host().equals(target.host()) && source.port() == target.port();
    }

    @Override
    public String provider() {
        return "mysql";
    }

    /** A MySQL named lock on the target server, held by a connection of its own until closed. */
    @Override
    public boolean exclusiveLock() {
        return true;
    }

    @Override
    public AutoCloseable lock(String name, Progress progress) {
        String lockName = "dbpromote:" + (name.length() > 50 ? name.substring(0, 50) : name);
        Connection c = Jdbc.open(target);
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, lockName);
            ps.setInt(2, 0);
            boolean got = queryInt(ps) == 1;
            if (!got) {
                progress.line("another run is cloning %s; waiting for it (up to 30 minutes)", name);
                ps.setInt(2, 1800);
                got = queryInt(ps) == 1;
            }
            if (!got) {
                c.close();
                throw DbPromoteException.external("Timed out waiting for another run cloning '" + name
                        + "' (MySQL lock '" + lockName + "'). Check for a hung build and retry.");
            }
        } catch (SQLException e) {
            closeQuietly(c);
            throw Jdbc.translate(target, e);
        }
        return () -> {
            try (Connection owned = c; PreparedStatement ps = owned.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setString(1, lockName);
                ps.execute();
            }
        };
    }

    @Override
    public Optional<ClonedDatabase> find(String name) {
        try (Connection c = Jdbc.open(target)) {
            if (!schemaExists(c, name)) {
                return Optional.empty();
            }
            Registered r = registered(c, name).orElse(new Registered(Map.of(), null));
            return Optional.of(describe(name, r));
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
    }

    @Override
    public ClonedDatabase create(CloneSpec spec, Progress progress) {
        String name = spec.name();
        if (name.equals(sourceSchema) && sameServer) {
            throw DbPromoteException.invalid("The clone's schema name '" + name + "' is the source schema. Use another app or env name.");
        }
        String user = Names.mysqlUser(name);
        try (Connection c = Jdbc.open(target)) {
            if (schemaExists(c, name)) {
                if (registered(c, name).isEmpty()) {
                    throw DbPromoteException.invalid("Schema '" + name + "' already exists on " + target.host() + ":" + target.port()
                            + " and is not managed by dbpromote (no row in " + REGISTRY + ".clones). Rename or drop it yourself,"
                            + " or choose another app/env name.");
                }
                return find(name).orElseThrow();
            }
            // The clone's user is named after its schema: an account of that name we did not create is someone else's
            // (a team's, an application's). Never take it over, re-grant it or drop it later.
            boolean ours = userRegistered(c, user);
            if (!ours && accountExists(c, user)) {
                throw DbPromoteException.invalid("MySQL account '" + user + "' already exists on " + target.host() + ":"
                        + target.port() + " and was not created by dbpromote (no row in " + REGISTRY + ".clones records it)."
                        + " It is not touched. Drop or rename that account yourself, or choose another app/env name (the"
                        + " clone's user is named after its schema '" + name + "').");
            }
            ensureRegistry(c);
            // Registered before the copy starts: a half-made clone is found (and reaped) by its tags. user_name is
            // only recorded once dbpromote has created the account (resetCredential): delete drops only that.
            try (PreparedStatement ps = c.prepareStatement("REPLACE INTO " + REGISTRY + ".clones (schema_name, user_name, tags,"
                    + " created_at) VALUES (?, ?, ?, UTC_TIMESTAMP())")) {
                ps.setString(1, name);
                ps.setString(2, ours ? user : null);
                ps.setString(3, Json.write(spec.tags()));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        progress.line("copying %s on %s:%d into %s%s", sourceSchema, source.host(), source.port(), name,
                sameServer ? " (server-side, " + parallelism + " tables at a time)" : " on " + target.host() + ":" + target.port()
                        + " (streamed)");
        // Triggers come after masking (afterMasking): masking UPDATEs must not fire an audit trigger keeping OLD values.
        SchemaCopier copier = new SchemaCopier(parallelism, progress).deferringTriggers();
        pendingTriggers.put(name, copier);
        if (sameServer && canRead(target, sourceSchema)) {
            // The clone's own account (environments.<env>.database.user) makes the copy; the source user only reads.
            copier.copyOnServer(target, sourceSchema, name);
        } else if (sameServer) {
            // The clone's account cannot read the source schema: the source user reads, the clone's account writes.
            progress.line("%s cannot read %s; streaming its rows through %s instead of a server-side copy", target.user(),
                    sourceSchema, source.user());
            copier.copyAcrossServers(source, sourceSchema, target, name);
        } else {
            copier.copyAcrossServers(source, sourceSchema, target, name);
        }
        return find(name).orElseThrow();
    }

    @Override
    public ConnectionSpec resetCredential(ClonedDatabase clone, Secret password, Progress progress) {
        String user = Names.mysqlUser(clone.name());
        String pw = "'" + password.reveal().replace("\\", "\\\\").replace("'", "''") + "'";
        try (Connection c = Jdbc.open(target); Statement s = c.createStatement()) {
            Optional<Registered> r = registered(c, clone.name());
            if (r.isEmpty() || !ManagedTags.isManaged(r.get().tags())) {
                throw DbPromoteException.invalid("Schema '" + clone.name() + "' on " + target.host() + ":" + target.port()
                        + " is not managed by dbpromote; its user is not touched.");
            }
            // '%' for remote clients, 'localhost' too: an anonymous ''@'localhost' account (MariaDB's default install)
            // would otherwise win for local connections.
            if (r.get().user() == null) {
                // Plain CREATE USER: fails rather than adopt an account someone made since create() checked.
                for (String account : accounts(user)) {
                    try {
                        s.execute("CREATE USER " + account + " IDENTIFIED BY " + pw);
                    } catch (SQLException e) {
                        if (e.getErrorCode() == 1396) {
                            throw DbPromoteException.invalid("MySQL account " + account + " already exists on " + target.host()
                                    + ":" + target.port() + " and was not created by dbpromote. It is not touched. Drop or"
                                    + " rename it yourself, or choose another app/env name.");
                        }
                        throw e;
                    }
                    // Recorded at once: delete drops what we created even if the next account fails.
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + REGISTRY + ".clones SET user_name = ?"
                            + " WHERE schema_name = ?")) {
                        ps.setString(1, user);
                        ps.setString(2, clone.name());
                        ps.executeUpdate();
                    }
                }
            } else {
                user = r.get().user();
                for (String account : accounts(user)) {
                    s.execute("ALTER USER " + account + " IDENTIFIED BY " + pw);
                }
            }
            for (String account : accounts(user)) {
                s.execute("GRANT ALL PRIVILEGES ON " + SchemaCopier.q(clone.name()) + ".* TO " + account);
            }
        } catch (SQLException e) {
            // The statement holds the password: never pass the driver's message through unfiltered.
            throw DbPromoteException.external("Could not create or update the clone's user '" + user + "' on " + target.host()
                    + ":" + target.port() + " (MySQL error " + e.getErrorCode() + "). The admin user needs CREATE USER and"
                    + " GRANT OPTION.");
        }
        progress.line("user %s has a fresh password for %s", user, clone.name());
        return new ConnectionSpec(target.host(), target.port(), clone.name(), user, password);
    }

    @Override
    public void afterMasking(ClonedDatabase clone, ConnectionSpec access, Progress progress) {
        SchemaCopier copier = pendingTriggers.remove(clone.name());
        if (copier != null) {
            int n = copier.createDeferredTriggers(target, clone.name());
            if (n > 0) {
                progress.line("created %d trigger(s) in %s after masking", n, clone.name());
            }
        }
    }

    @Override
    public void markReady(ClonedDatabase clone) {
        Map<String, String> tags = new LinkedHashMap<>(clone.tags());
        tags.put(ManagedTags.STATE, "ready");
        try (Connection c = Jdbc.open(target);
             PreparedStatement ps = c.prepareStatement("UPDATE " + REGISTRY + ".clones SET tags = ? WHERE schema_name = ?")) {
            ps.setString(1, Json.write(tags));
            ps.setString(2, clone.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
    }

    @Override
    public List<ClonedDatabase> list() {
        List<ClonedDatabase> out = new ArrayList<>();
        try (Connection c = Jdbc.open(target)) {
            if (!schemaExists(c, REGISTRY)) {
                return out;
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT schema_name, user_name, tags FROM " + REGISTRY + ".clones ORDER BY schema_name")) {
                while (rs.next()) {
                    out.add(describe(rs.getString(1), new Registered(tags(rs.getString(3)), rs.getString(2))));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
        return out;
    }

    @Override
    public void delete(ClonedDatabase clone, Progress progress) {
        if (clone.name().equals(sourceSchema) && sameServer) {
            throw DbPromoteException.invalid("Refusing to drop '" + clone.name() + "': it is the source schema.");
        }
        try (Connection c = Jdbc.open(target)) {
            Optional<Registered> r = registered(c, clone.name());
            if (r.isEmpty() || !ManagedTags.isManaged(r.get().tags())) {
                throw DbPromoteException.invalid("Refusing to drop schema '" + clone.name() + "' on " + target.host() + ":"
                        + target.port() + ": it is not managed by dbpromote. Drop it yourself if you are sure.");
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + SchemaCopier.q(clone.name()));
                if (r.get().user() != null) {
                    for (String account : accounts(r.get().user())) {
                        s.execute("DROP USER IF EXISTS " + account);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + REGISTRY + ".clones WHERE schema_name = ?")) {
                ps.setString(1, clone.name());
                ps.executeUpdate();
            }
            progress.line("dropped schema %s and user %s on %s:%d", clone.name(), r.get().user(), target.host(), target.port());
        } catch (SQLException e) {
            throw Jdbc.translate(target, e);
        }
    }

    private static List<String> accounts(String user) {
        return List.of("'" + user + "'@'%'", "'" + user + "'@'localhost'");
    }

    private record Registered(Map<String, String> tags, String user) {
    }

    private ClonedDatabase describe(String name, Registered r) {
        return new ClonedDatabase(provider(), target.host() + ":" + target.port() + "/" + name, name, target.host(),
                target.port(), name, r.user(), "available", r.tags());
    }

    private static Optional<Registered> registered(Connection c, String name) throws SQLException {
        if (!schemaExists(c, REGISTRY)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT tags, user_name FROM " + REGISTRY + ".clones WHERE schema_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Registered(tags(rs.getString(1)), rs.getString(2))) : Optional.empty();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> tags(String json) {
        try {
            return json == null ? Map.of() : Json.mapper().readValue(json, Map.class);
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    /** Whether {@code spec}'s account has any privilege on {@code schema} (MySQL shows it only those schemas). */
    private static boolean canRead(ConnectionSpec spec, String schema) {
        try (Connection c = Jdbc.open(spec); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, schema);
            return queryInt(ps) == 1;
        } catch (SQLException e) {
            throw Jdbc.translate(spec, e);
        }
    }

    /** True when our registry records {@code user} as an account dbpromote created. */
    private static boolean userRegistered(Connection c, String user) throws SQLException {
        if (!schemaExists(c, REGISTRY)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + REGISTRY + ".clones WHERE user_name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * True when an account named {@code user} exists for any host. An admin that cannot read mysql.user gets
     * false here; the plain {@code CREATE USER} in resetCredential still refuses an existing account.
     */
    private static boolean accountExists(Connection c, String user) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM mysql.user WHERE User = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    private static void ensureRegistry(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + REGISTRY);
            s.execute("CREATE TABLE IF NOT EXISTS " + REGISTRY + ".clones (schema_name VARCHAR(64) PRIMARY KEY,"
                    + " user_name VARCHAR(80), tags TEXT NOT NULL, created_at DATETIME NOT NULL)");
        }
    }

    private static boolean schemaExists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int queryInt(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // already failing
        }
    }
}
