package dev.dbpromote.validate;

import dev.dbpromote.config.Config;
import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.Jdbc;
import dev.dbpromote.migrate.MigrationFile;
import dev.dbpromote.migrate.MigrationSet;
import dev.dbpromote.migrate.Migrations;
import dev.dbpromote.migrate.lint.Linter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables the PR's migrations changed: those touched by the migrations the clone's history has and
 * the source's does not. Worked out from the two databases and the migration files every time, so it
 * stays right when a build re-runs on a reused clone (where migrate has nothing left to apply) or after
 * a dry run.
 *
 * @param versions the versions applied in the clone but not in the source
 */
public record TouchedTables(Set<String> versions, Set<String> tables) {

    public static TouchedTables between(Config config, ConnectionSpec clone, ConnectionSpec source) {
        String history = config.migrations().table();
        Set<String> versions = new TreeSet<>(versions(clone, history));
        versions.removeAll(versions(source, history));
        Set<String> tables = new LinkedHashSet<>();
        if (!versions.isEmpty()) {
            MigrationSet set = Migrations.scan(config);
            List<MigrationFile> files = set.files();
            Map<String, Set<String>> byVersion = Linter.touchedTables(files);
            for (MigrationFile f : files) {
                if (versions.contains(f.version())) {
                    tables.addAll(byVersion.getOrDefault(f.version(), Set.of()));
                }
            }
            tables.add(history); // its new rows are the migrations themselves
        }
        return new TouchedTables(versions, tables);
    }

    /** Successful versions in a history table; none when the table does not exist. */
    private static Set<String> versions(ConnectionSpec db, String table) {
        Set<String> out = new LinkedHashSet<>();
        try (Connection c = Jdbc.open(db)) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, new String[] {"TABLE"})) {
                if (!rs.next()) {
                    return out;
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version FROM `" + table.replace("`", "``") + "` WHERE success = 1 AND version IS NOT NULL"
                         + " AND type NOT IN ('BASELINE', 'SCHEMA')")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.translate(db, e);
        }
        return out;
    }
}
