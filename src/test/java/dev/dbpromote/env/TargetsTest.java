package dev.dbpromote.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsTest {

    @TempDir
    Path repo;

    private Config config() {
        return new ConfigLoader(Map.of("STAGING_PW", "pw")::get).parse("""
                app: orders
                source: {mysql: {host: prod.db}, database: orders, user: ro}
                environments:
                  dev: {database: {strategy: clone}}
                  staging:
                    database: {strategy: in-place, host: staging.db, port: 3307, user: migrator, passwordEnv: STAGING_PW}
                """, repo.resolve("dbpromote.yaml"));
    }

    @Test
    void anApprovalOnlyRecordDoesNotHideTheInPlaceDatabase() {
        Config config = config();
        // What the Jenkins gate does before 'Staging: Migrate': dbpromote env annotate --env staging --set approvedBy=alice
        new EnvironmentStore(config.stateDir()).save(new EnvironmentRecord("staging", "orders", "staging", null, "in-place", null,
                null, 0, null, null, null, Instant.now(), null, Map.of(), Map.of("approvedBy", "alice")));

        ConnectionSpec db = new Targets(config, Map.of("STAGING_PW", "pw")::get).connection("staging", null);

        assertEquals("staging.db", db.host());
        assertEquals(3307, db.port());
        assertEquals("migrator", db.user());
    }

    @Test
    void aCloneRecordIsWhereTheDatabaseIs() {
        Config config = config();
        EnvironmentStore store = new EnvironmentStore(config.stateDir());
        String ref = store.storeCredential("dev-pr-7", Secret.of("clone-pw", "test"));
        store.save(new EnvironmentRecord("dev-pr-7", "orders", "dev", "7", "mysql", "x", "clone.db", 3306, "orders_dev_pr_7",
                "orders_dev_pr_7", ref, Instant.now(), null, Map.of(), Map.of()));

        ConnectionSpec db = new Targets(config, Map.<String, String>of()::get).connection("dev", "7");

        assertEquals("clone.db", db.host());
        assertEquals("clone-pw", db.password().reveal());
    }
}
