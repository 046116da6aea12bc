package dev.dbpromote.testing;

import dev.dbpromote.db.ConnectionSpec;
import dev.dbpromote.db.DatabaseServer;
import dev.dbpromote.db.Jdbc;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One test's own database on a server shared by the test JVM (MariaDB or MySQL 8, see {@link TestServer}). */
public record TestDatabase(DatabaseServer server, String name) {

    public ConnectionSpec root() {
        return server.root(name);
    }

    public String host() {
        return server.host();
    }

    public int port() {
        return server.port();
    }

    public Connection connect() {
        return Jdbc.open(root());
    }

    /** Runs statements (one per argument) as root in this database. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of every row, as strings. */
    public List<String> column(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long count(String table) {
        return Long.parseLong(column("SELECT COUNT(*) FROM `" + table + "`").get(0));
    }
}
