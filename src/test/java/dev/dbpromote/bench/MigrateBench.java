package dev.dbpromote.bench;

import dev.dbpromote.core.Progress;
import dev.dbpromote.db.EmbeddedMariaDb;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.migrate.DbMigrate;
import dev.dbpromote.migrate.MigrateResult;
import dev.dbpromote.migrate.MigrationScanner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * Benchmark, not a test: applies N small migrations through dbpromote (lint, Flyway history, our
 * statement executor) and the same SQL through the embedded server's {@code mariadb} client, once as
 * one script and once file by file (what a hand-written shell loop does). Prints times and ratios
 * measured in this run.
 *
 * <pre>mvn -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.dbpromote.bench.MigrateBench [-Dexec.args=200]</pre>
 */
public final class MigrateBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("dbpromote-bench-migrations");
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            String sql = "CREATE TABLE t" + i + " (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, created_at DATETIME NULL);\n"
                    + "INSERT INTO t" + i + " VALUES (1, 'a', NOW()), (2, 'b', NOW()), (3, 'c', NOW());\n"
                    + "CREATE INDEX ix_t" + i + "_name ON t" + i + " (name);\n";
            Files.writeString(dir.resolve("V" + i + "__step_" + i + ".sql"), sql);
            all.append(sql);
        }
        Path script = Files.createTempFile("dbpromote-bench", ".sql");
        Files.writeString(script, all);

        try (EmbeddedMariaDb server = EmbeddedMariaDb.start()) {
            Path client = client(server);
            // Warm-up: JIT, Flyway and driver class loading are not what we compare.
            create(server, "warm");
            new DbMigrate(server.root("warm"), MigrationScanner.scan(List.of(dir), "auto"), DbMigrate.Options.defaults(),
                    Progress.silent()).migrate();

            create(server, "via_dbpromote");
            long t0 = System.nanoTime();
            MigrateResult r = new DbMigrate(server.root("via_dbpromote"), MigrationScanner.scan(List.of(dir), "auto"),
                    DbMigrate.Options.defaults(), Progress.silent()).migrate();
            long dbpromote = System.nanoTime() - t0;
            if (!r.success() || r.applied().size() != n) {
                throw new IllegalStateException("dbpromote run failed: " + r.failure());
            }

            create(server, "via_client");
            t0 = System.nanoTime();
            runClient(client, server, "via_client", script.toFile());
            long oneScript = System.nanoTime() - t0;

            create(server, "via_client_loop");
            t0 = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                runClient(client, server, "via_client_loop", dir.resolve("V" + i + "__step_" + i + ".sql").toFile());
            }
            long perFile = System.nanoTime() - t0;

            System.out.printf("%d migrations (%d statements)%n", n, n * 3);
            System.out.printf("  dbpromote migrate (lint + history + per-statement tracking): %7.2f s%n", dbpromote / 1e9);
            System.out.printf("  mariadb client, one script:                                %7.2f s%n", oneScript / 1e9);
            System.out.printf("  mariadb client, one process per file:                      %7.2f s%n", perFile / 1e9);
            System.out.printf("  ratio dbpromote / one script:    %.2fx%n", (double) dbpromote / oneScript);
            System.out.printf("  ratio dbpromote / per-file loop: %.2fx%n", (double) dbpromote / perFile);
        }
    }

    private static Path client(EmbeddedMariaDb server) {
        for (String name : List.of("bin/mariadb", "bin/mysql")) {
            Path p = server.baseDir().resolve(name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no mariadb client under " + server.baseDir());
    }

    private static void create(EmbeddedMariaDb server, String db) throws Exception {
        try (Connection c = Jdbc.open(server.root(null)); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
    }

    private static void runClient(Path client, EmbeddedMariaDb server, String db, File input) throws Exception {
        Process p = new ProcessBuilder(client.toString(), "--no-defaults", "--host=127.0.0.1", "--port=" + server.port(),
                "--user=root", db)
                .redirectInput(input).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("mariadb client failed on " + input);
        }
    }
}
