package dev.dbpromote.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.config.Config;
import dev.dbpromote.config.ConfigLoader;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promotion the pipeline draws: which stages, in which order, which run and why the others do not. */
class PromotionPlannerTest {

    static final String CONFIG = """
            app: orders
            source: {rds: {instance: orders-prod, region: us-west-2}, database: orders, passwordEnv: ORDERS_DB_PASSWORD}
            deploy: {manifests: deploy/k8s}
            validate: {suite: db/expectations.yaml}
            environments:
              dev:
                database: {strategy: clone, ttl: 72h}
                credentials: {passwords: {ORDERS_DB_PASSWORD: orders-prod-readonly}}
              staging:
                database: {strategy: in-place, host: staging-db, snapshotBefore: true}
                approvers: [qa-leads]
                warnOnly: true
              production:
                protected: true
                database: {strategy: in-place, rds: {instance: orders-prod, region: us-west-2}, snapshotBefore: true}
                approvers: [release-managers, alice]
            """;

    static final List<String> ALL = List.of("Check", "Dev: Destroy merged PR env", "Dev: Clone DB", "Dev: Migrate", "Dev: Deploy",
            "Dev: Validate", "Approve staging", "Staging: Snapshot", "Staging: Migrate", "Staging: Deploy", "Staging: Validate",
            "Approve production", "Production: Snapshot", "Production: Migrate", "Production: Deploy", "Production: Validate");

    @TempDir
    Path dir;

    Config config(String yaml) throws IOException {
        Path file = dir.resolve("dbpromote.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.<String, String>of()::get).load(file);
    }

    PromotionPlan plan(String yaml, PlanRequest request) throws IOException {
        return new PromotionPlanner(config(yaml)).plan(request);
    }

    static PlanRequest pr(String n) {
        return new PlanRequest("PR-" + n, n, null, null, null, null, null, null);
    }

    static PlanRequest branch(String b, String commitMessage) {
        return new PlanRequest(b, null, null, null, null, null, null, commitMessage);
    }

    static List<String> names(PromotionPlan p) {
        return p.stages().stream().map(Stage::name).toList();
    }

    static List<String> running(PromotionPlan p) {
        return p.stages().stream().filter(Stage::run).map(Stage::name).toList();
    }

    static Stage stage(PromotionPlan p, String name) {
        return p.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void everyBuildOfAJobGetsTheSameStagesInConfigOrder() throws IOException {
        for (PlanRequest r : List.of(pr("42"), branch("main", "Merge pull request #41 from a/b"), branch("feature/x", ""))) {
            assertEquals(ALL, names(plan(CONFIG, r)), r.toString());
        }
    }

    @Test
    void prBuildRunsDevOnlyAndSaysWhyTheRestIsSkipped() throws IOException {
        PromotionPlan p = plan(CONFIG, pr("42"));
        assertEquals(List.of("Check", "Dev: Clone DB", "Dev: Migrate", "Dev: Deploy", "Dev: Validate"), running(p));
        assertEquals("promote.from is main: pull request builds stop after dev; merge to promote", stage(p, "Staging: Migrate").reason());
        Stage clone = stage(p, "Dev: Clone DB");
        assertEquals("clone", clone.step());
        assertEquals("42", clone.pr());
        assertEquals("dbpromote-orders-dev-pr-42", clone.lock());
        assertTrue(clone.failureNote().contains("kept for inspection"), clone.failureNote());
        assertEquals("not a build of main, master; merged pull requests are cleaned up there", stage(p, "Dev: Destroy merged PR env").reason());
        assertEquals(false, p.promote());
    }

    @Test
    void mainBuildPromotesBehindGatesWithApproversAndDestroysTheMergedPr() throws IOException {
        PromotionPlan p = plan(CONFIG, branch("main", "Merge pull request #41 from acme/orders-index\n\nAdd the index"));
        assertEquals(ALL.stream().filter(s -> !s.startsWith("Dev: ") || s.contains("Destroy")).toList(), running(p));
        assertEquals("41", p.mergedPr());
        Stage destroy = stage(p, "Dev: Destroy merged PR env");
        assertEquals("41", destroy.pr());
        assertEquals("dbpromote-orders-dev-pr-41", destroy.lock());
        Stage gate = stage(p, "Approve production");
        assertEquals("gate", gate.step());
        assertEquals("Promote-production", gate.gate().id(), "the id as Jenkins' input step shows it in the REST URL");
        assertEquals(List.of("release-managers", "alice"), gate.gate().approvers());
        assertEquals(86400, gate.gate().timeoutSeconds());
        assertEquals(20, gate.gate().milestone());
        assertNull(gate.lock(), "no lock is held while waiting to enter an environment");
        assertEquals(10, stage(p, "Approve staging").gate().milestone());
        assertEquals(true, stage(p, "Staging: Validate").warnOnly());
        assertEquals(false, stage(p, "Production: Validate").warnOnly());
        assertEquals("dbpromote-orders-production", stage(p, "Production: Migrate").lock());
        assertEquals(4 * 3600, p.timeoutSeconds());
    }

    @Test
    void featureBranchOnlyChecks() throws IOException {
        PromotionPlan p = plan(CONFIG, branch("feature/x", "Merge pull request #41 from a/b"));
        assertEquals(List.of("Check"), running(p));
        assertEquals("branch 'feature/x' is not one of main, master (mainBranches)", stage(p, "Approve staging").reason());
        assertNull(p.mergedPr(), "only main-branch builds destroy merged PRs' environments");
    }

    @Test
    void promoteFromPrTakesPrBuildsThroughAndMainBuildsNot() throws IOException {
        String yaml = CONFIG.replace("validate: {", "promote: {from: pr, gateTimeout: 2h30m}\nvalidate: {");
        PromotionPlan p = plan(yaml, pr("42"));
        assertEquals(ALL.stream().filter(s -> !s.contains("Destroy")).toList(), running(p));
        assertEquals(9000, stage(p, "Approve staging").gate().timeoutSeconds());
        PromotionPlan main = plan(yaml, branch("main", ""));
        assertEquals("promote.from is pr: pull request builds promote, this build is not one", stage(main, "Approve staging").reason());
    }

    @Test
    void argumentsOverrideConfigAndAreChecked() throws IOException {
        PromotionPlan p = plan(CONFIG, new PlanRequest("trunk", null, List.of("trunk"), null, "30m", "1h", "7", ""));
        assertEquals(1800, stage(p, "Approve staging").gate().timeoutSeconds());
        assertEquals(3600, p.timeoutSeconds());
        assertEquals("7", p.mergedPr());
        PromotionPlan none = plan(CONFIG, new PlanRequest("main", null, null, null, null, null, "none", "Merge pull request #41 from a/b"));
        assertNull(none.mergedPr());
        DbPromoteException bad = org.junit.jupiter.api.Assertions.assertThrows(DbPromoteException.class,
                () -> plan(CONFIG, new PlanRequest("main", null, null, null, "tomorrow", null, null, null)));
        assertEquals("--gate-timeout: 'tomorrow' is not a duration; write it like 30m, 72h or 7d", bad.getMessage());
        bad = org.junit.jupiter.api.Assertions.assertThrows(DbPromoteException.class,
                () -> plan(CONFIG, new PlanRequest("main", null, null, "release", null, null, null, null)));
        assertTrue(bad.getMessage().startsWith("--promote-from 'release' is not one of main, pr"), bad.getMessage());
    }

    @Test
    void snapshotFollowsSnapshotBefore() throws IOException {
        PromotionPlan p = plan(CONFIG.replace("host: staging-db, snapshotBefore: true", "host: staging-db"), branch("main", ""));
        assertEquals(false, stage(p, "Staging: Snapshot").run());
        assertEquals("snapshotBefore is false for staging (environments.staging.database.snapshotBefore)", stage(p, "Staging: Snapshot").reason());
        assertEquals(true, stage(p, "Production: Snapshot").run());
    }

    @Test
    void withoutADeploySectionEveryDeployStageIsSkippedWithTheReason() throws IOException {
        PromotionPlan p = plan(CONFIG.replace("deploy: {manifests: deploy/k8s}\n", ""), branch("main", ""));
        for (String name : List.of("Dev: Deploy", "Staging: Deploy", "Production: Deploy")) {
            assertEquals(false, stage(p, name).run(), name);
        }
        assertEquals(PromotionPlanner.NOT_DEPLOYED, stage(p, "Staging: Deploy").reason());
        assertTrue(PromotionPlanner.NOT_DEPLOYED.startsWith("this service is not deployed by dbpromote"));
        assertEquals(true, stage(p, "Staging: Migrate").run());
        PromotionPlan dev = plan(CONFIG.replace("deploy: {manifests: deploy/k8s}\n", ""), pr("42"));
        assertEquals(PromotionPlanner.NOT_DEPLOYED, stage(dev, "Dev: Deploy").reason());
    }

    @Test
    void blueGreenProductionGetsGreenStagesASwitchoverGateAndCleanup() throws IOException {
        String yaml = CONFIG.replace("database: {strategy: in-place, rds: {instance: orders-prod, region: us-west-2}, snapshotBefore: true}",
                "database: {strategy: blue-green, rds: {instance: orders-prod, region: us-west-2}}");
        PromotionPlan p = plan(yaml, branch("main", ""));
        List<String> production = names(p).subList(names(p).indexOf("Approve production"), names(p).size());
        assertEquals(List.of("Approve production", "Production: Create green", "Production: Migrate green", "Production: Validate green",
                "Approve switchover", "Production: Switchover", "Production: Deploy"), production);
        assertEquals(List.of("gate", "bluegreen-create", "migrate", "validate", "gate", "bluegreen-switchover", "deploy"),
                production.stream().map(n -> stage(p, n).step()).toList());
        Stage switchover = stage(p, "Approve switchover");
        assertEquals("Switchover-production", switchover.gate().id());
        assertEquals("switchover", switchover.gate().kind());
        assertEquals(List.of("release-managers", "alice"), switchover.gate().approvers());
        assertEquals(25, switchover.gate().milestone());
        assertEquals("dbpromote-orders-production", switchover.lock(), "green stays this build's while the switchover waits");
        assertEquals("bluegreen-delete", switchover.cleanup());
        assertEquals("bluegreen-delete", stage(p, "Production: Migrate green").cleanup());
        assertEquals("bluegreen-delete", stage(p, "Production: Validate green").cleanup());
        assertNull(stage(p, "Production: Create green").cleanup(), "a refused create may be another build's green: never deleted");
        assertNull(stage(p, "Production: Switchover").cleanup(), "after switchover green is production");
        assertTrue(running(p).containsAll(production));
        assertEquals("blue-green", p.environments().get("production").strategy());
    }

    @Test
    void planCommandPrintsJsonAndText() throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), CONFIG);
        CliRun.Result json = CliRun.in(dir).run("plan", "--branch", "PR-42", "--pr", "42", "--output", "json");
        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().contains("\"name\" : \"Approve production\"") && json.out().contains("\"id\" : \"Promote-production\""),
                json.out());
        assertTrue(json.out().contains("\"protected\" : true"), json.out());
        CliRun.Result text = CliRun.in(dir).run("plan", "--branch", "main", "--commit-message", "Add index (#345)");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("destroys merged PR 345's dev environment"), text.out());
        assertTrue(text.out().contains("Approve production") && text.out().contains("gate Promote-production (approvers release-managers, alice"),
                text.out());
        CliRun.Result bad = CliRun.in(dir).run("plan", "--branch", "main", "--timeout", "soon", "--output", "json");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--timeout: 'soon' is not a duration"), bad.err());
        assertEquals(0, CliRun.in(dir).run("plan", "-h").exitCode());
    }
}
