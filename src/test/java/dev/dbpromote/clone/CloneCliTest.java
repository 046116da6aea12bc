package dev.dbpromote.clone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.Json;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import dev.dbpromote.testing.CliRun;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.MariaDb;
import dev.dbpromote.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line, in-process: clone, env list/show/destroy/reap/annotate on the MySQL-server provider. */
@MariaDb
class CloneCliTest {

    @TempDir
    Path dir;

    private void config(TestDatabase db, String ttl, String mask) throws Exception {
        Files.writeString(dir.resolve("dbpromote.yaml"), """
                app: cli
                source:
                  mysql: {host: 127.0.0.1, port: %d}
                  database: %s
                  user: root
                  # no passwordEnv: root has no password on the test servers
                environments:
                  dev:
                    database:
                      strategy: clone
                      ttl: %s
                      mask:
                %s
                  staging:
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root}
                  production:
                    protected: true
                    database: {strategy: in-place, host: 127.0.0.1, port: %d, database: %s, user: root}
                """.formatted(db.port(), db.name(), ttl, mask, db.port(), db.name(), db.port(), db.name()));
    }

    private CliRun cli() {
        return CliRun.in(dir).env("BUILD_URL", "https://jenkins/job/shop/PR-42/3/");
    }

    @EachServer
    void cloneListShowAnnotateDestroy(TestDatabase db) throws Exception {
        MysqlServerClonerTest.seed(db);
        config(db, "72h", "        customers.email: email");
        CliRun.Result r = cli().run("clone", "--env", "dev", "--pr", "42", "--output", "json");
        assertEquals(0, r.exitCode(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> result = Json.mapper().readValue(r.out(), Map.class);
        assertEquals("created", result.get("action"));
        assertEquals("cli_dev_pr_42", result.get("database"));
        assertTrue(r.err().contains("masked customers"), r.err());
        EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
        String password = store.readCredential("file:credentials/dev-pr-42.secret").reveal();
        assertFalse(r.out().contains(password) || r.err().contains(password), "password never printed");
        assertTrue(Files.isRegularFile(dir.resolve(".dbpromote/reports/clone-dev-pr-42.json")));
        assertFalse(Files.readString(dir.resolve(".dbpromote/reports/clone-dev-pr-42.json")).contains(password));
        assertEquals(List.of("0"), db.column("SELECT COUNT(*) FROM cli_dev_pr_42.customers WHERE email LIKE '%x.com'"));

        CliRun.Result again = cli().run("clone", "--env", "dev", "--pr", "42");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("Clone reused"), again.out());

        CliRun.Result list = cli().run("env", "list");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.out().contains("dev-pr-42") && list.out().contains("cli_dev_pr_42"), list.out());

        // Another agent: no record here. show rebuilds it from the marker's tags.
        Files.delete(store.recordFile("dev-pr-42"));
        CliRun.Result show = cli().run("env", "show", "--env", "dev", "--pr", "42", "--output", "json");
        assertEquals(0, show.exitCode(), show.toString());
        EnvironmentRecord rebuilt = store.find("dev-pr-42").orElseThrow();
        assertEquals("cli_dev_pr_42", rebuilt.database());
        assertEquals("cli_dev_pr_42", rebuilt.user());
        assertEquals("https://jenkins/job/shop/PR-42/3/", rebuilt.tags().get("dbpromote:created-by"));

        CliRun.Result annotate = cli().run("env", "annotate", "--env", "staging", "--set", "approvedBy=alice");
        assertEquals(0, annotate.exitCode(), annotate.toString());
        assertEquals("alice", store.find("staging").orElseThrow().attributes().get("approvedBy"));

        CliRun.Result dry = cli().run("env", "destroy", "--env", "dev", "--pr", "42", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals(List.of("cli_dev_pr_42"), db.column("SHOW DATABASES LIKE 'cli_dev_pr_42'"), "dry run changes nothing");

        CliRun.Result destroy = cli().run("env", "destroy", "--env", "dev", "--pr", "42");
        assertEquals(0, destroy.exitCode(), destroy.toString());
        assertTrue(db.column("SHOW DATABASES LIKE 'cli_dev_pr_42'").isEmpty());
        assertTrue(store.find("dev-pr-42").isEmpty());
        assertFalse(Files.exists(store.credentialFile("dev-pr-42")));
    }

    @EachServer
    void reapDeletesOnlyExpiredManagedClones(TestDatabase db) throws Exception {
        MysqlServerClonerTest.seed(db);
        config(db, "1s", "        {}");
        assertEquals(0, cli().run("clone", "--env", "dev", "--pr", "1").exitCode());
        config(db, "72h", "        {}");
        assertEquals(0, cli().run("clone", "--env", "dev", "--pr", "2").exitCode());
        db.execute("CREATE DATABASE IF NOT EXISTS cli_dev_pr_3");
        Thread.sleep(1500);

        CliRun.Result dry = cli().run("env", "reap", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().contains("would delete mysql") && dry.out().contains("cli_dev_pr_1"), dry.out());
        assertEquals(1, db.column("SHOW DATABASES LIKE 'cli_dev_pr_1'").size(), "dry run deletes nothing");

        CliRun.Result reap = cli().run("env", "reap");
        assertEquals(0, reap.exitCode(), reap.toString());
        assertTrue(db.column("SHOW DATABASES LIKE 'cli_dev_pr_1'").isEmpty(), "expired clone reaped");
        assertEquals(1, db.column("SHOW DATABASES LIKE 'cli_dev_pr_2'").size(), "unexpired clone kept");
        assertEquals(1, db.column("SHOW DATABASES LIKE 'cli_dev_pr_3'").size(), "unmanaged schema kept");
        assertEquals(1, db.column("SHOW DATABASES LIKE '" + db.name() + "'").size(), "source kept");
        db.execute("DROP DATABASE cli_dev_pr_3");
        assertEquals(0, cli().run("env", "destroy", "--env", "dev", "--pr", "2").exitCode());
    }

    @Test
    void badInputIsRefusedWithExitTwoAndNothingChanged(TestDatabase db) throws Exception {
        MysqlServerClonerTest.seed(db);
        config(db, "72h", "        customers.email: scramble");
        CliRun.Result badRule = cli().run("clone", "--env", "dev", "--pr", "4");
        assertEquals(2, badRule.exitCode(), badRule.toString());
        assertTrue(badRule.err().contains("line 13") && badRule.err().contains("unknown mask rule 'scramble'"), badRule.err());
        assertTrue(db.column("SHOW DATABASES LIKE 'cli_dev_pr_4'").isEmpty());

        config(db, "72h", "        {}");
        db.execute("CREATE DATABASE IF NOT EXISTS cli_dev_pr_5");
        CliRun.Result unmanaged = cli().run("env", "destroy", "--env", "dev", "--pr", "5");
        assertEquals(2, unmanaged.exitCode(), unmanaged.toString());
        assertTrue(unmanaged.err().contains("not managed by dbpromote") || unmanaged.err().contains("Refusing"), unmanaged.err());
        assertEquals(1, db.column("SHOW DATABASES LIKE 'cli_dev_pr_5'").size());
        db.execute("DROP DATABASE cli_dev_pr_5");

        CliRun.Result prod = cli().run("env", "destroy", "--env", "production");
        assertEquals(2, prod.exitCode(), prod.toString());
        assertTrue(prod.err().contains("protected"), prod.err());

        CliRun.Result stagingDestroy = cli().run("env", "destroy", "--env", "staging");
        assertEquals(2, stagingDestroy.exitCode(), stagingDestroy.toString());
        assertTrue(stagingDestroy.err().contains("only deletes clones"), stagingDestroy.err());

        CliRun.Result badPr = cli().run("clone", "--env", "dev", "--pr", "feature/x");
        assertEquals(2, badPr.exitCode());
        CliRun.Result inPlace = cli().run("clone", "--env", "staging");
        assertEquals(2, inPlace.exitCode());
        assertTrue(inPlace.err().contains("strategy: in-place"), inPlace.err());
        CliRun.Result badSet = cli().run("env", "annotate", "--env", "staging", "--set", "no-equals-sign");
        assertEquals(2, badSet.exitCode());
        // root has no password here; a config naming a password variable that is not set is refused.
        Path yaml = dir.resolve("dbpromote.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("  # no passwordEnv: root has no password on the test servers\n", "  passwordEnv: SHOP_DB_PASSWORD\n"));
        CliRun.Result noPassword = CliRun.in(dir).run("clone", "--env", "dev", "--pr", "4");
        assertEquals(2, noPassword.exitCode());
        assertTrue(noPassword.err().contains("SHOP_DB_PASSWORD"), noPassword.err());
    }
}
