package dev.dbpromote.config;

/**
 * Where a database user's password comes from. Passwords are never in the config file and never on
 * the command line: only the name of an environment variable ({@code passwordEnv}) or of a file
 * ({@code passwordFile}, e.g. a Jenkins file credential).
 */
public interface CredentialsConfig {

    String user();

    String passwordEnv();

    String passwordFile();
}
