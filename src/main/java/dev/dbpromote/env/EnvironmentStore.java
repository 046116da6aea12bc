package dev.dbpromote.env;

import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.core.Json;
import dev.dbpromote.core.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Environment records ({@code .dbpromote/env/<key>.json}) and the credentials they point at
 * ({@code .dbpromote/credentials/<key>.secret}, mode 0600, never archived: the Jenkins steps exclude
 * {@code .dbpromote/credentials/**}).
 */
public final class EnvironmentStore {

    private final Path stateDir;

    public EnvironmentStore(Path stateDir) {
        this.stateDir = stateDir;
    }

    public Path recordFile(String key) {
        return stateDir.resolve("env").resolve(key + ".json");
    }

    public Optional<EnvironmentRecord> find(String key) {
        Path file = recordFile(key);
        return Files.isRegularFile(file) ? Optional.of(Json.read(file, EnvironmentRecord.class)) : Optional.empty();
    }

    public void save(EnvironmentRecord record) {
        Json.write(recordFile(record.key()), record);
    }

    public void delete(String key) {
        try {
            Files.deleteIfExists(recordFile(key));
            Files.deleteIfExists(credentialFile(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<EnvironmentRecord> list() {
        Path dir = stateDir.resolve("env");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<EnvironmentRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .forEach(f -> out.add(Json.read(f, EnvironmentRecord.class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public Path credentialFile(String key) {
        return stateDir.resolve("credentials").resolve(key + ".secret");
    }

    /** Stores a password readable only by this user; returns the reference to put in the record. */
    public String storeCredential(String key, Secret secret) {
        Path file = credentialFile(key);
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, secret.reveal());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the credential for " + key + ": " + e.getMessage(), e);
        }
        return "file:credentials/" + key + ".secret";
    }

    /** Reads the credential a record refers to. Other stores (Secrets Manager) plug in here. */
    public Secret readCredential(String ref) {
        if (ref != null && ref.startsWith("file:")) {
            Path file = stateDir.resolve(ref.substring("file:".length()));
            try {
                return Secret.of(Files.readString(file), "credential " + ref);
            } catch (IOException e) {
                throw DbPromoteException.invalid("The credential " + ref + " of this environment is missing (" + file
                        + "). Re-run 'dbpromote clone' for it (it reuses the clone and sets a new password).", e);
            }
        }
        throw DbPromoteException.invalid("Unsupported credential reference '" + ref + "'. Re-run 'dbpromote clone'.");
    }
}
