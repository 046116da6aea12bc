package dev.dbpromote.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    static final String VALID = """
            app: orders
            source:
              rds: {instance: orders-prod, region: us-west-2}
              database: orders
              user: ${ORDERS_DB_USER}
              passwordEnv: ORDERS_DB_PASSWORD
            migrations: {locations: [db/migrations]}
            deploy: {manifests: deploy/k8s}
            validate: {suite: db/expectations.yaml, compare: source}
            promote: {from: main}
            environments:
              dev:
                database: {strategy: clone, ttl: 72h, instanceClass: db.t4g.medium}
                namespace: orders-pr-${PR}
              staging:
                database:
                  strategy: in-place
                  host: staging.db
                  port: ${STAGING_PORT}
                  snapshotBefore: true
                namespace: orders-staging
                approvers: [qa-leads]
              production:
                protected: true
                database: {strategy: in-place, host: prod.db, snapshotBefore: true}
                namespace: orders
                approvers: [release-managers]
            """;

    static final Map<String, String> ENV = Map.of("ORDERS_DB_USER", "svc_orders", "STAGING_PORT", "3307");

    private static Config parse(String yaml, Map<String, String> env) {
        return new ConfigLoader(env::get).parse(yaml, Path.of("dbpromote.yaml"));
    }

    private static String error(String yaml, Map<String, String> env) {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> parse(yaml, env));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        return e.getMessage();
    }

    @Test
    void readsTheDesignExampleIntoRecords() {
        Config c = parse(VALID, ENV);
        assertEquals("orders", c.app());
        assertEquals("svc_orders", c.source().user());
        assertEquals(SourceConfig.Kind.RDS, c.source().kind());
        assertEquals("orders-pr-${PR}", c.environment("dev").namespace(), "runtime placeholders wait for the step");
        assertEquals(3307, c.environment("staging").database().port(), "numbers can come from placeholders");
        assertTrue(c.environment("production").isProtected());
        assertEquals("main", c.promote().from());
        assertEquals(java.util.List.of("db/migrations"), c.migrations().locations());
    }

    @Test
    void unknownKeyNamesLineAndSuggestsTheClosest() {
        String msg = error(VALID.replace("migrations: {locations", "migration: {locations"), ENV);
        assertTrue(msg.contains("unknown key 'migration' at line 7"), msg);
        assertTrue(msg.contains("did you mean 'migrations'?"), msg);
    }

    @Test
    void unknownNestedKeyNamesItsParent() {
        String msg = error(VALID.replace("ttl: 72h", "tll: 72h"), ENV);
        assertTrue(msg.contains("unknown key 'tll' at line 13"), msg);
        assertTrue(msg.contains("environments.dev.database"), msg);
        assertTrue(msg.contains("did you mean 'ttl'?"), msg);
    }

    @Test
    void wrongTypeNamesPathAndExpectedType() {
        String msg = error(VALID.replace("host: prod.db,", "host: prod.db, port: lots,"), ENV);
        assertTrue(msg.contains("wrong type for 'environments.production.database.port' at line 25"), msg);
        assertTrue(msg.contains("expected a number"), msg);
    }

    @Test
    void listWhereAMapBelongs() {
        String msg = error(VALID.replace("promote: {from: main}", "promote: [main]"), ENV);
        assertTrue(msg.contains("wrong type for 'promote'"), msg);
    }

    @Test
    void missingRequiredKey() {
        String msg = error(VALID.replace("app: orders\n", ""), ENV);
        assertTrue(msg.contains("missing required key 'app'"), msg);
    }

    @Test
    void unsetPlaceholderNamesVariableLineAndKey() {
        String msg = error(VALID, Map.of("STAGING_PORT", "3307"));
        assertTrue(msg.contains("environment variable ORDERS_DB_USER is not set"), msg);
        assertTrue(msg.contains("line 5"), msg);
        assertTrue(msg.contains("source.user"), msg);
    }

    @Test
    void placeholderDefaultsAndEscapes() {
        Config c = parse(VALID.replace("${ORDERS_DB_USER}", "${NOPE:-fallback}").replace("orders-pr-${PR}", "$${LITERAL}"),
                Map.of("STAGING_PORT", "1"));
        assertEquals("fallback", c.source().user());
        assertEquals("${LITERAL}", c.environment("dev").namespace());
    }

    @Test
    void semanticProblemsAreCollectedWithLines() {
        String msg = error(VALID.replace("strategy: clone", "strategy: copy").replace("rds: {instance: orders-prod, region: us-west-2}",
                "rds: {instance: orders-prod}\n  mysql: {host: db}"), ENV);
        assertTrue(msg.contains("2 problems"), msg);
        assertTrue(msg.contains("exactly one of 'rds', 'aurora' or 'mysql'"), msg);
        assertTrue(msg.contains("line 14: 'copy' is not valid"), msg);
    }

    @Test
    void protectedCloneEnvironmentIsRefused() {
        String msg = error(VALID.replace("database: {strategy: in-place, host: prod.db", "database: {strategy: clone, host: prod.db"), ENV);
        assertTrue(msg.contains("protected environment cannot use strategy: clone"), msg);
    }

    @Test
    void badDurationAndPasswordInsteadOfVariableName() {
        String msg = error(VALID.replace("ttl: 72h", "ttl: 3 days").replace("passwordEnv: ORDERS_DB_PASSWORD", "passwordEnv: hunter2!"), ENV);
        assertTrue(msg.contains("'3 days' is not a duration"), msg);
        assertTrue(msg.contains("NAME of an environment variable"), msg);
        assertTrue(!msg.contains("hunter2!"), "the value given as passwordEnv may be a password: never echo it");
    }

    @Test
    void aPlaceholderWherePasswordEnvNamesAVariableIsRefusedWithoutPrintingIt() {
        String secret = "Xk7pQ2mZ9vR4tLw8";
        String msg = error(VALID.replace("passwordEnv: ORDERS_DB_PASSWORD", "passwordEnv: ${ORDERS_DB_PASSWORD}"),
                Map.of("ORDERS_DB_USER", "u", "STAGING_PORT", "1", "ORDERS_DB_PASSWORD", secret));
        assertTrue(msg.contains("passwordEnv at line 6") && msg.contains("takes the NAME of the environment variable"), msg);
        assertTrue(!msg.contains(secret), "the password never reaches the message");

        String mixedCase = error(VALID.replace("passwordEnv: ORDERS_DB_PASSWORD", "passwordEnv: " + secret), ENV);
        assertTrue(mixedCase.contains("in upper case") && !mixedCase.contains(secret), mixedCase);
    }

    @Test
    void baselineAndLintFromMustBeVersions() {
        String msg = error(VALID.replace("migrations: {locations: [db/migrations]}",
                "migrations: {locations: [db/migrations], baselineVersion: latest, lintFrom: \"41\"}"), ENV);
        assertTrue(msg.contains("line 7: 'latest' is not a migration version"), msg);
        assertTrue(!msg.contains("'41'"), "a valid version is accepted: " + msg);
    }

    @Test
    void invalidYamlSyntax() {
        String msg = error("app: orders\nsource:\n\t- x\n", ENV);
        assertTrue(msg.contains("not valid YAML"), msg);
    }

    @Test
    void unknownEnvironmentListsTheDefinedOnes() {
        DbPromoteException e = assertThrows(DbPromoteException.class, () -> parse(VALID, ENV).environment("qa"));
        assertTrue(e.getMessage().contains("[dev, staging, production]") || e.getMessage().contains("dev"), e.getMessage());
    }

    @Test
    void durations() {
        assertEquals(java.time.Duration.ofHours(72), Durations.parse("72h"));
        assertEquals(java.time.Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals("3d", Durations.format(Durations.parse("72h")));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("h"));
    }
}
