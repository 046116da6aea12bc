package dev.dbpromote.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Progress;
import dev.dbpromote.core.Secret;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.testing.EachServer;
import dev.dbpromote.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;

class DbMigrateTest {

    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    private Path write(String name, String sql) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, sql);
        return f;
    }

    private MigrateResult migrate(TestDatabase db) {
        return migrate(db, DbMigrate.Options.defaults());
    }

    private MigrateResult migrate(TestDatabase db, DbMigrate.Options options) {
        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");
        return new DbMigrate(db.root(), set, options, lines::add).migrate();
    }

    @EachServer
    void appliesFlywayMigrationsInVersionOrderAndRecordsRehearsal(TestDatabase db) throws IOException {
        write("V1__create_orders.sql", "CREATE TABLE orders (id BIGINT PRIMARY KEY, total DECIMAL(10,2));\n"
                + "INSERT INTO orders VALUES (1, 10.00), (2, 20.00);\n");
        write("V1_1__add_status.sql", "ALTER TABLE orders ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'new';\n");
        write("V2__index.sql", "CREATE INDEX ix_status ON orders (status);\n");

        MigrateResult r = migrate(db);

        assertTrue(r.success(), lines.toString());
        assertEquals("none", r.versionBefore());
        assertEquals("2", r.versionAfter());
        assertEquals(List.of("1", "1.1", "2"), r.applied().stream().map(AppliedMigration::version).toList());
        assertEquals(List.of("new", "new"), db.column("SELECT status FROM orders ORDER BY id"));
        assertEquals(List.of("1", "1.1", "2"), db.column("SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank"));
        AppliedMigration addStatus = r.applied().get(1);
        assertEquals("orders", addStatus.tables().get(0).table(), "tables a migration touched are measured before it runs");
        assertEquals(2, addStatus.tables().get(0).rows());
        assertTrue(r.touchedTables().contains("orders"));
        assertTrue(r.forecast().startsWith("Forecast for production: about"), r.forecast());

        MigrateResult again = migrate(db);
        assertTrue(again.success());
        assertTrue(again.applied().isEmpty(), "a second run has nothing to do");
    }

    @EachServer
    void rehearsalMeasuresTablesAsTheyAreWhenEachMigrationRuns(TestDatabase db) throws IOException {
        write("V1__create.sql", "CREATE TABLE events (id INT PRIMARY KEY, kind VARCHAR(10));\n");
        // Measured before V2 runs: empty.
        write("V2__load.sql", "INSERT INTO events SELECT a.d + 10 * b.d + 100 * c.d, 'x' FROM"
                + " (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
                + " UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,"
                + " (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
                + " UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,"
                + " (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5"
                + " UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c;\n");
        // Measured before V3 runs: the 1000 rows V2 loaded, not what an earlier look at the table saw.
        write("V3__widen.sql", "ALTER TABLE events MODIFY kind VARCHAR(40);\n");

        MigrateResult r = migrate(db);

        assertTrue(r.success(), lines.toString());
        assertEquals(0, r.applied().get(1).tables().get(0).rows());
        long rows = r.applied().get(2).tables().get(0).rows();
        assertTrue(rows > 500 && rows < 2000, "InnoDB's estimate of 1000 rows: " + rows);
    }

    @EachServer
    void failedMigrationSaysWhatIsAppliedAndResumesAfterTheFix(TestDatabase db) throws IOException {
        write("V1__base.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        write("V2__three_steps.sql", "CREATE TABLE b (id INT PRIMARY KEY);\n"
                + "CREATE TABLE c (id INT PRIMARY KEY);\n"
                + "\n"
                + "INSERT INTO missing_table VALUES (1);\n");
        write("V3__later.sql", "CREATE TABLE d (id INT PRIMARY KEY);\n");

        MigrateResult failed = migrate(db);

        assertFalse(failed.success());
        MigrationFailure f = failed.failure();
        assertNotNull(f);
        assertEquals("V2__three_steps.sql", f.script());
        assertEquals(3, f.statement());
        assertEquals(4, f.line());
        assertEquals(2, f.statementsApplied(), "the two CREATEs committed implicitly");
        assertTrue(f.describe().contains("statements 1-2 of V2__three_steps.sql are applied"), f.describe());
        assertTrue(f.describe().contains("missing_table"), f.describe());
        assertFalse(db.column("SHOW TABLES").contains("d"), "later migrations never run after a failure");

        write("V2__three_steps.sql", "CREATE TABLE b (id INT PRIMARY KEY);\n"
                + "CREATE TABLE c (id INT PRIMARY KEY);\n"
                + "\n"
                + "INSERT INTO c VALUES (1);\n");
        MigrateResult fixed = migrate(db);

        assertTrue(fixed.success(), lines.toString());
        assertEquals("3", fixed.versionAfter());
        assertEquals(3, fixed.applied().get(0).resumedAt(), "resumed at the failed statement, not re-running the CREATEs");
        assertEquals(1, db.count("c"));
        assertFalse(db.column("SHOW TABLES").contains(PartialProgress.TABLE), "our bookkeeping table is gone once resolved");
    }

    @EachServer
    void transactionalDmlAfterTheLastDdlIsRolledBack(TestDatabase db) throws IOException {
        write("V1__mixed.sql", "CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n");

        MigrationFailure f = migrate(db).failure();

        assertEquals(1, f.statementsApplied());
        assertEquals(1, f.rolledBack());
        assertEquals(0, db.count("t"), "the first INSERT was rolled back with the transaction");
    }

    @EachServer
    void refusesToResumeWhenAppliedStatementsChanged(TestDatabase db) throws IOException {
        write("V1__x.sql", "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO nope VALUES (1);\n");
        migrate(db);
        write("V1__x.sql", "CREATE TABLE a2 (id INT PRIMARY KEY);\nINSERT INTO a2 VALUES (1);\n");

        DbPromoteException e = assertThrows(DbPromoteException.class, () -> migrate(db));

        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("partly applied"), e.getMessage());
        assertTrue(e.getMessage().contains("dbpromote migrate repair"), e.getMessage());
    }

    @EachServer
    void checksumMismatchNamesTheFileAndChangesNothing(TestDatabase db) throws IOException {
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        migrate(db);
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY, extra INT);\n");
        write("V2__b.sql", "CREATE TABLE b (id INT PRIMARY KEY);\n");

        DbPromoteException e = assertThrows(DbPromoteException.class, () -> migrate(db));

        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("V1__a.sql (version 1) was changed after it was applied"), e.getMessage());
        assertFalse(db.column("SHOW TABLES").contains("b"));
    }

    @EachServer
    void historyWrittenByTheFlywayCliValidatesUnchanged(TestDatabase db) throws IOException {
        write("V1__a.sql", "-- a comment\r\nCREATE TABLE a (id INT PRIMARY KEY);\r\n");
        write("V2__b.sql", "\uFEFFCREATE TABLE b (id INT PRIMARY KEY);\n");
        ConnectionSpec spec = db.root();
        Flyway.configure().dataSource(spec.jdbcUrl(), spec.user(), "").locations("filesystem:" + dir).load().migrate();

        MigrateResult r = migrate(db);

        assertTrue(r.success());
        assertTrue(r.pending().isEmpty(), "same checksums as Flyway's own resolver, so nothing pending or mismatched");
    }

    @EachServer
    void dryRunListsPendingSqlAndChangesNothing(TestDatabase db) throws IOException {
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1);\n");

        MigrateResult r = migrate(db, new DbMigrate.Options("flyway_schema_history", null, true, List.of(), null, true));

        assertTrue(r.dryRun());
        assertEquals(2, r.pending().get(0).statements().size());
        assertTrue(db.column("SHOW TABLES").isEmpty(), "not even the history table is created");
    }

    @EachServer
    void targetStopsAtTheGivenVersion(TestDatabase db) throws IOException {
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        write("V2__b.sql", "CREATE TABLE b (id INT PRIMARY KEY);\n");

        MigrateResult r = migrate(db, new DbMigrate.Options("flyway_schema_history", "1", false, List.of(), null, true));

        assertEquals("1", r.versionAfter());
        assertFalse(db.column("SHOW TABLES").contains("b"));
    }

    @EachServer
    void lintErrorsBlockUnlessAllowedWithAReason(TestDatabase db) throws IOException {
        // With rows: dropping the column loses data (on an empty table it would be info, see LintAgainstDatabaseTest).
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY, legacy INT);\nINSERT INTO a VALUES (1, 7);\n");
        migrate(db);
        write("V2__drop.sql", "ALTER TABLE a DROP COLUMN legacy;\n");

        MigrateResult blocked = migrate(db);
        assertFalse(blocked.success());
        assertEquals("drop-column", blocked.lint().blocking().get(0).rule());
        assertTrue(db.column("SHOW COLUMNS FROM a").contains("legacy"), "nothing ran");

        write("V2__drop.sql", "-- dbpromote:allow drop-column unused since release 41, see ORD-123\nALTER TABLE a DROP COLUMN legacy;\n");
        MigrateResult allowed = migrate(db);
        assertTrue(allowed.success(), lines.toString());
        assertFalse(db.column("SHOW COLUMNS FROM a").contains("legacy"));
    }

    @EachServer
    void wrongPasswordAndUnreachableServerAreClearAndChangeNothing(TestDatabase db) throws IOException {
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        MigrationSet set = MigrationScanner.scan(List.of(dir), "auto");
        ConnectionSpec wrong = new ConnectionSpec(db.host(), db.port(), db.name(), "root", Secret.of("not-the-password", "env DB_PASSWORD"));

        DbPromoteException denied = assertThrows(DbPromoteException.class,
                () -> new DbMigrate(wrong, set, DbMigrate.Options.defaults(), Progress.silent()).migrate());
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, denied.kind());
        assertTrue(denied.getMessage().contains("Access denied for root@127.0.0.1"), denied.getMessage());
        assertTrue(denied.getMessage().contains("env DB_PASSWORD"), "says where the password came from");
        assertFalse(denied.getMessage().contains("not-the-password"), "never the password itself");

        ConnectionSpec nowhere = new ConnectionSpec("127.0.0.1", 1, db.name(), "root", Secret.of("", "none"));
        DbPromoteException down = assertThrows(DbPromoteException.class,
                () -> new DbMigrate(nowhere, set, DbMigrate.Options.defaults(), Progress.silent()).migrate());
        assertEquals(DbPromoteException.Kind.EXTERNAL, down.kind());
        assertTrue(down.getMessage().contains("Cannot reach the database at 127.0.0.1:1"), down.getMessage());
        assertTrue(db.column("SHOW TABLES").isEmpty());
    }

    @EachServer
    void existingSchemaWithoutHistoryNeedsABaseline(TestDatabase db) throws IOException {
        db.execute("CREATE TABLE a (id INT PRIMARY KEY)");
        write("V1__a.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n");
        write("V2__b.sql", "CREATE TABLE b (id INT PRIMARY KEY);\n");

        DbPromoteException e = assertThrows(DbPromoteException.class, () -> migrate(db));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("migrations.baselineVersion"), e.getMessage());

        MigrateResult r = migrate(db, new DbMigrate.Options("flyway_schema_history", null, false, List.of(), "1", true));
        assertTrue(r.success());
        assertEquals(List.of("2"), r.applied().stream().map(AppliedMigration::version).toList());
    }

    @EachServer
    void invalidSqlFailsWithFileStatementAndLine(TestDatabase db) throws IOException {
        write("V1__typo.sql", "CREATE TABLE a (id INT PRIMARY KEY);\n\nCREAT TABEL oops (id INT);\n");

        MigrationFailure f = migrate(db).failure();

        assertEquals("V1__typo.sql", f.script());
        assertEquals(3, f.line());
        assertEquals(1064, f.sqlErrorCode());
    }
}
