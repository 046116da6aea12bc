package dev.dbpromote.db;

import dev.dbpromote.config.CredentialsConfig;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Reads a password from where config says it is: an environment variable or a file. Never from argv. */
public final class Passwords {

    private Passwords() {
    }

    /**
     * @param where config key path for messages, e.g. {@code environments.staging.database}
     * @param baseDir where a relative {@code passwordFile} is resolved
     */
    public static Secret resolve(CredentialsConfig c, Function<String, String> env, Path baseDir, String where) {
        if (c.passwordEnv() != null) {
            String value = env.apply(c.passwordEnv());
            if (value == null) {
                throw DbPromoteException.invalid("Environment variable " + c.passwordEnv() + " (" + where
                        + ".passwordEnv) is not set. In Jenkins bind it with withCredentials; in a shell, export it.");
            }
            if (value.isEmpty()) {
                // An empty binding (a credential with no value, a variable exported empty) would be tried as the
                // password and answered "Access denied", which points at the wrong thing.
                throw DbPromoteException.invalid("Environment variable " + c.passwordEnv() + " (" + where
                        + ".passwordEnv) is set but empty. Give it the password (Jenkins: check the credential bound with"
                        + " withCredentials has a value); for a user without a password, leave passwordEnv out.");
            }
            return Secret.of(value, "env " + c.passwordEnv());
        }
        if (c.passwordFile() != null) {
            Path file = baseDir.resolve(c.passwordFile());
            try {
                return Secret.of(Files.readString(file).strip(), "file " + c.passwordFile());
            } catch (IOException e) {
                throw DbPromoteException.invalid("Password file " + file + " (" + where + ".passwordFile) cannot be read: "
                        + e.getClass().getSimpleName() + ". Check the path or the Jenkins file credential binding.");
            }
        }
        return Secret.of("", "no password configured");
    }
}
