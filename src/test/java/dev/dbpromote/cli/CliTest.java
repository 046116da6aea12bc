package dev.dbpromote.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun.Result r = CliRun.in(dir).run("--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("migrate") && r.out().contains("lint") && r.out().contains("check"), r.out());
        assertTrue(r.out().contains("2  invalid input or config"), r.out());
    }

    @Test
    void versionAndUnknownCommand() {
        assertTrue(CliRun.in(dir).run("--version").out().startsWith("dbpromote "));
        CliRun.Result r = CliRun.in(dir).run("migrat");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("migrate"), "suggests the closest command: " + r.err());
    }

    @Test
    void checkValidatesConfigAndSummarises() throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source: {mysql: {host: db}, database: orders}
                environments:
                  dev: {database: {strategy: clone, ttl: 72h}}
                  production:
                    protected: true
                    database: {strategy: in-place, host: prod}
                    approvers: [release-managers]
                    credentials: {kubeconfig: kube-prod, passwords: {ORDERS_PROD_DB_PASSWORD: orders-prod-db}}
                """);
        CliRun.Result ok = CliRun.in(dir).run("check");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("production: in-place, protected, approvers release-managers"), ok.out());
        CliRun.Result json = CliRun.in(dir).run("check", "--output", "json");
        assertTrue(json.out().contains("\"from\" : \"main\"") && json.out().contains("\"approvers\" : [ \"release-managers\" ]"),
                json.out());
        assertTrue(json.out().contains("\"ORDERS_PROD_DB_PASSWORD\" : \"orders-prod-db\""), json.out());

        Files.writeString(dir.resolve("dbpromote.yaml"), "app: orders\nsorce: {mysql: {host: db}}\n");
        CliRun.Result bad = CliRun.in(dir).run("check");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("unknown key 'sorce' at line 2") && bad.err().contains("did you mean 'source'?"), bad.err());
    }

    @Test
    void envShowOfAnInPlaceEnvironmentShowsItsConfiguredDatabase() throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: orders
                source: {mysql: {host: db}, database: orders, user: orders_ro, passwordEnv: ORDERS_DB_PASSWORD}
                environments:
                  dev: {database: {strategy: clone}}
                  staging:
                    database: {strategy: in-place, host: staging-db, port: 3307, user: orders_migrator, passwordEnv: ORDERS_STAGING_DB_PASSWORD}
                  production:
                    protected: true
                    database: {strategy: in-place, rds: {instance: orders-prod, region: us-west-2}, database: orders_main}
                """);
        assertEquals(0, CliRun.in(dir).run("env", "annotate", "--env", "staging", "--set", "approvedBy=ann").exitCode());
        CliRun.Result staging = CliRun.in(dir).run("env", "show", "--env", "staging");
        assertEquals(0, staging.exitCode(), staging.toString());
        assertFalse(staging.out().contains("null"), staging.out());
        assertTrue(staging.out().contains("staging: in-place (the database configured in dbpromote.yaml)"), staging.out());
        assertTrue(staging.out().contains("endpoint: staging-db:3307  database: orders  user: orders_migrator"), staging.out());
        assertTrue(staging.out().contains("credential: environment variable ORDERS_STAGING_DB_PASSWORD"), staging.out());
        assertTrue(staging.out().contains("approvedBy: ann"), staging.out());

        CliRun.Result production = CliRun.in(dir).run("env", "show", "--env", "production", "--output", "json");
        assertEquals(0, production.exitCode(), production.toString());
        assertTrue(production.out().contains("\"endpoint\" : \"RDS instance orders-prod (us-west-2)\"")
                && production.out().contains("\"database\" : \"orders_main\"") && production.out().contains("\"user\" : \"orders_ro\""),
                production.out());
    }

    @Test
    void jsonOutputOnErrorsToo() {
        CliRun.Result r = CliRun.in(dir).run("check", "--output", "json");
        assertEquals(2, r.exitCode());
        assertTrue(r.out().contains("\"success\" : false") && r.out().contains("\"exitCode\" : 2"), r.out());
        assertTrue(r.out().contains("\"problem\" : \"Config file ") || r.out().contains("\"problem\" : "), r.out());
        assertTrue(r.err().startsWith("error: "), r.err());
        String problem = r.out().replaceAll("(?s).*\"problem\" : \"([^\"]*)\".*", "$1");
        assertTrue(r.err().contains(problem), "every command's failure carries its stderr text as 'problem': " + r.out());
    }
}
