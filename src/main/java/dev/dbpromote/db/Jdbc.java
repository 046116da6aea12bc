package dev.dbpromote.db;

import dev.dbpromote.core.DbPromoteException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections with errors a person can act on: a refused or timed-out server is an external
 * failure (exit 3); a rejected user/password or a missing database is a configuration problem (exit 2).
 */
public final class Jdbc {

    private Jdbc() {
    }

    public static Connection open(ConnectionSpec spec) {
        Properties props = new Properties();
        props.setProperty("user", spec.user());
        props.setProperty("password", spec.password() == null ? "" : spec.password().reveal());
        try {
            return DriverManager.getConnection(spec.jdbcUrl(), props);
        } catch (SQLException e) {
            throw translate(spec, e);
        }
    }

    /** Turns a connection failure into a message with what to check, never the password or full URL. */
    public static DbPromoteException translate(ConnectionSpec spec, SQLException e) {
        int code = e.getErrorCode();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String origin = spec.password() == null ? "no password" : "password from " + spec.password().origin();
        if (code == 1045 || code == 1698) {
            return DbPromoteException.invalid("Access denied for " + spec.describe() + " (" + origin + ")."
                    + " Check the user and the password credential for this environment.", e);
        }
        if (code == 1049) {
            return DbPromoteException.invalid("Database '" + spec.database() + "' does not exist on " + spec.host() + ":"
                    + spec.port() + ". Check 'database' in dbpromote.yaml, or run 'dbpromote clone' first.", e);
        }
        if (code == 1044) {
            // The server names the database it refused ("... to database 'orders_dev_pr_99'"), which need not be the
            // connection's own (CREATE DATABASE of a clone on a connection to the source schema).
            java.util.regex.Matcher denied = java.util.regex.Pattern.compile("to database '([^']*)'").matcher(String.valueOf(e.getMessage()));
            String database = denied.find() ? denied.group(1) : spec.database();
            return DbPromoteException.invalid("User '" + spec.user() + "' may not use database '" + database
                    + "' on " + spec.host() + ":" + spec.port() + ". Grant it access or use another user.", e);
        }
        if (state.startsWith("08")) {
            return DbPromoteException.external("Cannot reach the database at " + spec.host() + ":" + spec.port()
                    + " (" + firstLine(e.getMessage()) + "). Check the host and port, security groups and that the"
                    + " server is running.", e);
        }
        return DbPromoteException.external("Database error on " + spec.describe() + ": " + firstLine(e.getMessage()), e);
    }

    /**
     * Whether a server's version string ({@code SELECT VERSION()}, or the driver's product version) is MariaDB's
     * ({@code 11.4.5-MariaDB}); otherwise it is MySQL. The two differ in regex functions, JSON, and statistics caching.
     */
    public static boolean isMariaDb(String version) {
        return version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse(message);
    }
}
