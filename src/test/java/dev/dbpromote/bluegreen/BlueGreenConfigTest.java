package dev.dbpromote.bluegreen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blue/green config: bad input is exit 2 with the fix named, and nothing reaches a server. */
class BlueGreenConfigTest {

    @TempDir
    Path dir;

    private CliRun.Result run(String production, String... args) throws Exception {
        Files.createDirectories(dir.resolve("db/migrations"));
        Files.writeString(dir.resolve("db/migrations/V1__x.sql"), "CREATE TABLE t (id INT PRIMARY KEY);\n");
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: shop
                source: {mysql: {host: 127.0.0.1, port: 1}, database: shop, user: root}
                environments:
                  production:
                    protected: true
                    database:
                %s
                """.formatted(production.indent(6)));
        return CliRun.in(dir).run(args);
    }

    @Test
    void selfManagedNeedsAGreenOtherThanBlueAndDurationsThatParse() throws Exception {
        CliRun.Result noGreen = run("strategy: blue-green\nhost: 127.0.0.1\nport: 1", "check");
        assertEquals(2, noGreen.exitCode());
        assertTrue(noGreen.err().contains("green: {host: ..."), noGreen.err());
        CliRun.Result same = run("strategy: blue-green\nhost: 127.0.0.1\nport: 1\ngreen: {host: 127.0.0.1, port: 1}", "check");
        assertEquals(2, same.exitCode());
        assertTrue(same.err().contains("green is the same server as blue"), same.err());
        CliRun.Result badDuration = run("strategy: blue-green\nhost: 127.0.0.1\nport: 1\ngreen: {host: 127.0.0.2}\nswitchoverTimeout: soon", "check");
        assertEquals(2, badDuration.exitCode());
        assertTrue(badDuration.err().contains("'soon' is not a duration"), badDuration.err());
        CliRun.Result notBlueGreen = run("strategy: in-place\nhost: 127.0.0.1\ngreen: {host: 127.0.0.2}", "check");
        assertEquals(2, notBlueGreen.exitCode());
        assertTrue(notBlueGreen.err().contains("for strategy: blue-green"), notBlueGreen.err());
        CliRun.Result typo = run("strategy: blue-green\nhost: 127.0.0.1\ngreen: {host: 127.0.0.2}\nkeepBlueFr: 2h", "check");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("did you mean 'keepBlueFor'"), typo.err());
        assertEquals(0, run("strategy: blue-green\nhost: 127.0.0.1\ngreen: {host: 127.0.0.2}\nkeepBlueFor: 2h\nmaxReplicaLag: 3s", "check")
                .exitCode());
    }

    @Test
    void lintAgainstABlueGreenEnvironmentBeforeCreateSaysToCreateGreen() throws Exception {
        String bg = "strategy: blue-green\nhost: 127.0.0.1\ngreen: {host: 127.0.0.2}";
        CliRun.Result onGreen = run(bg, "lint", "--env", "production");
        assertEquals(2, onGreen.exitCode(), onGreen.toString());
        assertTrue(onGreen.err().contains("bluegreen create"), onGreen.err());
    }

    @Test
    void rdsBlueGreenNeedsAGreenParameterGroupBeforeAnyAwsCallAndATimeoutRdsAccepts() throws Exception {
        // The endpoint refuses connections: an AWS call would be exit 3, so exit 2 proves none was made.
        String rds = "strategy: blue-green\nrds: {instance: shop-prod, region: us-west-2, endpoint: 'http://127.0.0.1:1'}\nuser: root";
        assertEquals(0, run(rds, "check").exitCode(), "a plan or a gate needs no green parameter group");
        CliRun.Result create = run(rds, "bluegreen", "create", "--env", "production");
        assertEquals(2, create.exitCode(), create.toString());
        assertTrue(create.err().contains("greenParameterGroup is not set") && create.err().contains("read_only=0")
                && create.err().contains("aws rds create-db-parameter-group") && create.err().contains("Nothing was created"), create.err());
        CliRun.Result aurora = run("strategy: blue-green\naurora: {cluster: shop-aurora, region: us-west-2, endpoint: 'http://127.0.0.1:1'}",
                "bluegreen", "create", "--env", "production");
        assertEquals(2, aurora.exitCode(), aurora.toString());
        assertTrue(aurora.err().contains("aws rds create-db-cluster-parameter-group"), aurora.err());
        CliRun.Result timeout = run(rds + "\ngreenParameterGroup: shop-green-rw\nswitchoverTimeout: 10s", "check");
        assertEquals(2, timeout.exitCode());
        assertTrue(timeout.err().contains("SwitchoverTimeout from 30s to 1h"), timeout.err());
        CliRun.Result both = run(rds + "\naurora: {cluster: shop-aurora}", "check");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("not both"), both.err());
        assertEquals(0, run(rds + "\ngreenParameterGroup: shop-green-rw\nswitchoverTimeout: 5m", "check").exitCode());
        CliRun.Result inPlace = run("strategy: in-place\nhost: 127.0.0.1\nport: 1\nuser: root", "bluegreen", "create", "--env", "production");
        assertEquals(2, inPlace.exitCode());
        assertTrue(inPlace.err().contains("not blue-green"), inPlace.err());
    }
}
