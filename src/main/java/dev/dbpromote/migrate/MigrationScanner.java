package dev.dbpromote.migrate;

import dev.dbpromote.core.DbPromoteException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Event;

/**
 * Finds and parses the migrations in the configured locations, detecting Flyway or goose naming.
 * Flyway files are versioned ({@code V1__x.sql}), repeatable ({@code R__x.sql}) or SQL callbacks
 * ({@code afterMigrate.sql}, named after a Flyway callback event). Refuses what would silently go wrong:
 * a missing folder, mixed formats, duplicate versions, a {@code .sql} file that matches no naming scheme.
 */
public final class MigrationScanner {

    private static final Pattern FLYWAY = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql");
    private static final Pattern FLYWAY_OTHER = Pattern.compile("([UB])(\\d+(?:[._]\\d+)*)?__(.+)\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");
    private static final Pattern GOOSE = Pattern.compile("(\\d+)_(.+)\\.sql");
    private static final Pattern ALLOW = Pattern.compile("--\\s*dbpromote:allow\\s+(\\S+)(?:\\s+(.*))?");

    private MigrationScanner() {
    }

    /**
     * @param locations folders, already resolved against the config file's folder
     * @param format {@code auto}, {@code flyway} or {@code goose}
     */
    public static MigrationSet scan(List<Path> locations, String format) {
        return scan(locations, format, ScanContext.defaults());
    }

    public static MigrationSet scan(List<Path> locations, String format, ScanContext context) {
        Map<MigrationFormat, List<Path>> byFormat = new LinkedHashMap<>();
        List<Path> repeatables = new ArrayList<>();
        List<Path> callbacks = new ArrayList<>();
        for (Path location : locations) {
            if (!Files.isDirectory(location)) {
                throw DbPromoteException.invalid("Migrations folder " + location + " does not exist. Create it, or set"
                        + " migrations.locations in dbpromote.yaml to the folder holding your migrations.");
            }
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".go")) {
                        throw DbPromoteException.invalid(f + " is a goose Go migration; dbpromote runs SQL migrations only."
                                + " Rewrite it as SQL or keep it out of migrations.locations.");
                    }
                    if (!name.endsWith(".sql")) {
                        continue;
                    }
                    if (REPEATABLE.matcher(name).matches()) {
                        repeatables.add(f);
                        continue;
                    }
                    if (callbackEvent(name) != null) {
                        callbacks.add(f);
                        continue;
                    }
                    Matcher other = FLYWAY_OTHER.matcher(name);
                    if (other.matches()) {
                        throw DbPromoteException.invalid(f + ": " + ("U".equals(other.group(1))
                                ? "Flyway undo migrations (U__) migrate down, which dbpromote never does (nor Flyway Community)."
                                        + " Move them out of migrations.locations; to revert a change, write a new V migration."
                                : "Flyway baseline migrations (B__) are not supported by dbpromote. If the versioned migrations up to"
                                        + " this version are still in the folder, move this file out of migrations.locations: a new"
                                        + " database gets the same schema from them. If they were deleted, rename it to V"
                                        + (other.group(2) == null ? "<version>" : other.group(2)) + "__" + other.group(3)
                                        + ".sql, and on databases that already have that version set migrations.baselineVersion."));
                    }
                    MigrationFormat detected = FLYWAY.matcher(name).matches() ? MigrationFormat.FLYWAY
                            : GOOSE.matcher(name).matches() ? MigrationFormat.GOOSE : null;
                    if (detected == null) {
                        throw DbPromoteException.invalid(f + " matches neither Flyway naming (V1__create_orders.sql,"
                                + " R__views.sql, or a callback such as afterMigrate.sql) nor goose naming"
                                + " (20240101120000_create_orders.sql), so it would never run. Rename it, or move it out of "
                                + location + ".");
                    }
                    byFormat.computeIfAbsent(detected, k -> new ArrayList<>()).add(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (byFormat.size() > 1) {
            throw DbPromoteException.invalid("The migrations mix Flyway and goose files (e.g. "
                    + byFormat.get(MigrationFormat.FLYWAY).get(0).getFileName() + " and "
                    + byFormat.get(MigrationFormat.GOOSE).get(0).getFileName() + "). Keep one format per repository;"
                    + " convert the others, or point migrations.locations at one folder.");
        }
        MigrationFormat found = byFormat.isEmpty() ? null : byFormat.keySet().iterator().next();
        if (found == null && (!repeatables.isEmpty() || !callbacks.isEmpty())) {
            found = MigrationFormat.FLYWAY;
        }
        if (found == MigrationFormat.GOOSE && (!repeatables.isEmpty() || !callbacks.isEmpty())) {
            Path f = repeatables.isEmpty() ? callbacks.get(0) : repeatables.get(0);
            throw DbPromoteException.invalid(f + " is a Flyway " + (repeatables.isEmpty() ? "callback" : "repeatable migration")
                    + " but the other migrations are goose files; goose would never run it. Move it out of migrations.locations.");
        }
        if (!"auto".equals(format) && found != null && !found.name().equalsIgnoreCase(format)) {
            Path example = byFormat.containsKey(found) ? byFormat.get(found).get(0) : repeatables.isEmpty() ? callbacks.get(0)
                    : repeatables.get(0);
            throw DbPromoteException.invalid("migrations.format is '" + format + "' but the files are named for "
                    + found.name().toLowerCase() + " (e.g. " + example.getFileName() + "). Set format: "
                    + found.name().toLowerCase() + " or auto.");
        }
        if (found == null) {
            found = "goose".equals(format) ? MigrationFormat.GOOSE : MigrationFormat.FLYWAY;
            return new MigrationSet(found, List.of());
        }
        List<MigrationFile> files = new ArrayList<>();
        for (Path f : byFormat.getOrDefault(found, List.of())) {
            files.add(parse(f, relative(locations, f), found, context));
        }
        files.sort(Comparator.comparing(m -> MigrationVersion.fromVersion(m.version())));
        Map<MigrationVersion, MigrationFile> seen = new HashMap<>();
        for (MigrationFile m : files) {
            MigrationFile prev = seen.put(MigrationVersion.fromVersion(m.version()), m);
            if (prev != null) {
                throw DbPromoteException.invalid("Two migrations have version " + m.version() + ": " + prev.path() + " and "
                        + m.path() + ". Give one of them the next free version.");
            }
        }
        List<MigrationFile> repeatable = new ArrayList<>();
        Map<String, MigrationFile> byDescription = new HashMap<>();
        for (Path f : repeatables) {
            MigrationFile r = parse(f, relative(locations, f), MigrationFormat.FLYWAY, context);
            MigrationFile prev = byDescription.put(r.description(), r);
            if (prev != null) {
                throw DbPromoteException.invalid("Two repeatable migrations have the description '" + r.description() + "': "
                        + prev.path() + " and " + f + ". Flyway refuses this too; rename one of them.");
            }
            repeatable.add(r);
        }
        repeatable.sort(Comparator.comparing(MigrationFile::description));
        return new MigrationSet(found, files, repeatable, callbacks);
    }

    /** The Flyway callback event a file name is for ({@code afterMigrate.sql}, {@code beforeEachMigrate__x.sql}), or null. */
    static Event callbackEvent(String fileName) {
        String base = fileName.substring(0, fileName.length() - ".sql".length());
        int sep = base.indexOf("__");
        String id = sep < 0 ? base : base.substring(0, sep);
        for (Event e : Event.values()) {
            if (e.getId().equals(id)) {
                return e;
            }
        }
        return null;
    }

    private static String relative(List<Path> locations, Path f) {
        Path location = locations.stream().filter(f::startsWith).findFirst().orElseThrow();
        return location.relativize(f).toString().replace('\\', '/');
    }

    private static MigrationFile parse(Path file, String script, MigrationFormat format, ScanContext context) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw DbPromoteException.invalid(file + " is not UTF-8 text. Save it as UTF-8.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String name = file.getFileName().toString();
        String version;
        String description;
        List<SqlStatement> statements;
        boolean transactional = true;
        if (format == MigrationFormat.FLYWAY) {
            Matcher r = REPEATABLE.matcher(name);
            if (r.matches()) {
                version = null;
                description = r.group(1).replace('_', ' ');
            } else {
                Matcher m = FLYWAY.matcher(name);
                m.matches();
                version = m.group(1).replace('_', '.');
                description = m.group(2).replace('_', ' ');
            }
            String sql = context.placeholders() == null ? text : FlywayPlaceholders.replace(text, context.placeholders(), name);
            try {
                statements = SqlSplitter.split(sql);
            } catch (DbPromoteException e) {
                throw DbPromoteException.invalid(script + " " + e.getMessage() + ".", e);
            }
        } else {
            Matcher m = GOOSE.matcher(name);
            m.matches();
            version = m.group(1);
            description = m.group(2).replace('_', ' ');
            GooseParser.Parsed parsed = GooseParser.parse(text, name, context.env(), context.requireEnv());
            statements = parsed.executable();
            transactional = !parsed.noTransaction();
        }
        return new MigrationFile(version, description, script, file, format, statements, transactional,
                flywayChecksum(text), allowed(text));
    }

    private static Map<String, String> allowed(String text) {
        Map<String, String> allowed = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            Matcher m = ALLOW.matcher(line.strip());
            if (m.matches()) {
                allowed.put(m.group(1), m.group(2) == null ? "" : m.group(2).strip());
            }
        }
        return allowed;
    }

    /**
     * The checksum Flyway records for a SQL migration: CRC32 over the UTF-8 bytes of each line without
     * its line break (BOM removed). Matching it means a database migrated by the Flyway CLI validates
     * against our history, and the other way round.
     */
    static int flywayChecksum(String text) {
        CRC32 crc = new CRC32();
        try (BufferedReader r = new BufferedReader(new StringReader(text))) {
            String line;
            while ((line = r.readLine()) != null) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }
}
