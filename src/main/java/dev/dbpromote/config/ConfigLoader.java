package dev.dbpromote.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads {@code dbpromote.yaml} into a {@link Config}. Every problem is reported with the file, the
 * line and the key path, and unknown keys come with the closest valid one:
 * <pre>dbpromote.yaml: unknown key 'migration' at line 4 (in the top level); did you mean 'migrations'?</pre>
 *
 * <pre>{@code
 * Config config = new ConfigLoader(System::getenv).load(Path.of("dbpromote.yaml"));
 * }</pre>
 */
public final class ConfigLoader {

    private final Function<String, String> environment;

    /** @param environment where {@code ${NAME}} placeholders are looked up (System::getenv in the CLI) */
    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public Config load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw DbPromoteException.invalid("Config file " + file + " not found. Create it (README: 'dbpromote.yaml')"
                    + " or point --config at it.");
        } catch (IOException e) {
            throw DbPromoteException.invalid("Config file " + file + " cannot be read: " + e.getMessage());
        }
        return parse(utf8(bytes, file), file);
    }

    /** The file's text; YAML 1.2 files are Unicode, and ours must be UTF-8: say where it is not and how to convert it. */
    static String utf8(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            decoder.flush(out);
            String text = out.flip().toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text; // a UTF-8 byte order mark is allowed
        }
        int at = in.position();
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        String utf16 = bytes.length >= 2 && (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF || bytes[0] == (byte) 0xFF
                && bytes[1] == (byte) 0xFE) ? " It starts with a UTF-16 byte order mark." : "";
        throw DbPromoteException.invalid(file + " is not UTF-8: line " + line + " has the byte 0x"
                + String.format("%02X", bytes[at] & 0xFF) + ", which is not valid UTF-8 (the file was probably saved as"
                + " Latin-1/Windows-1252" + (utf16.isEmpty() ? "" : " or UTF-16") + ")." + utf16 + " Save it as UTF-8, e.g. 'iconv -f"
                + " WINDOWS-1252 -t UTF-8 " + file.getFileName() + " > x.yaml && mv x.yaml " + file.getFileName() + "'.");
    }

    /** Parses config text; {@code file} is used for messages and to resolve relative paths. */
    public Config parse(String text, Path file) {
        if (text.isBlank()) {
            throw DbPromoteException.invalid(file + " is empty. It needs at least 'app', 'source' and 'environments'"
                    + " (see README: 'dbpromote.yaml').");
        }
        Config config;
        YamlLines lines = YamlLines.of(text);
        try {
            ObjectMapper mapper = mapper();
            UnknownKeys.check(mapper.readTree(text), Config.class, lines, file);
            config = mapper.readValue(text, Config.class);
        } catch (JsonProcessingException e) {
            throw DbPromoteException.invalid(describe(file, e, lines), e);
        }
        config = config.withFile(file);
        new ConfigValidator(file, text).validate(config);
        return config;
    }

    private ObjectMapper mapper() {
        SimpleModule placeholders = new SimpleModule()
                .addDeserializer(String.class, new PlaceholderStringDeserializer());
        return YAMLMapper.builder(new YAMLFactory())
                .addModule(placeholders)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .addHandler(new NumberPlaceholderHandler())
                .build();
    }

    /** Resolves placeholders in every string value while the parser still knows the line. */
    private final class PlaceholderStringDeserializer extends StdScalarDeserializer<String> {

        PlaceholderStringDeserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                return (String) ctxt.handleUnexpectedToken(String.class, p);
            }
            return resolve(p.getText(), p, ctxt);
        }
    }

    /** Numbers given as {@code ${PORT}}: resolve, then let Jackson convert the result. */
    private final class NumberPlaceholderHandler extends DeserializationProblemHandler {
        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
                String failureMsg) throws IOException {
            if (valueToConvert.contains("${")) {
                String resolved = resolve(valueToConvert, ctxt.getParser(), ctxt);
                try {
                    if (targetType == Integer.class || targetType == int.class) {
                        return Integer.valueOf(resolved.trim());
                    }
                    if (targetType == Boolean.class || targetType == boolean.class) {
                        return Boolean.valueOf(resolved.trim());
                    }
                } catch (NumberFormatException e) {
                    throw InvalidFormatException.from(ctxt.getParser(), "not a number", resolved, targetType);
                }
            }
            return DeserializationProblemHandler.NOT_HANDLED;
        }
    }

    private String resolve(String text, JsonParser p, DeserializationContext ctxt) throws JsonMappingException {
        try {
            return Placeholders.resolveFromEnvironment(text, environment);
        } catch (Placeholders.UnsetException e) {
            throw new UnsetPlaceholderException(p, e.name());
        }
    }

    private static final class UnsetPlaceholderException extends JsonMappingException {
        final String name;

        UnsetPlaceholderException(JsonParser p, String name) {
            super(p, "unset placeholder " + name);
            this.name = name;
        }
    }

    private static String describe(Path file, JsonProcessingException e, YamlLines lines) {
        JsonLocation loc = e.getLocation();
        String path = e instanceof JsonMappingException jme ? path(jme.getPath()) : "";
        // Records bind through their constructor, so Jackson may report the end of the enclosing map;
        // the key's own line comes from the YAML node tree.
        int keyLine = path.isEmpty() ? 0 : lines.line(path);
        int lineNr = keyLine > 0 ? keyLine : loc == null ? -1 : loc.getLineNr();
        String line = lineNr < 0 ? "" : " at line " + lineNr;
        if (e instanceof UnsetPlaceholderException u) {
            return file + ": environment variable " + u.name + " is not set (used" + line + ", key '" + path
                    + "'). Set it in the job's environment, or give a default with ${" + u.name + ":-value}.";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> keys = known(u.getKnownPropertyIds());
            String parent = parentPath(u.getPath());
            String suggestion = closest(u.getPropertyName(), keys);
            return file + ": unknown key '" + u.getPropertyName() + "'" + line + " (in " + parent + ")"
                    + (suggestion != null ? "; did you mean '" + suggestion + "'?" : "")
                    + " Valid keys here: " + String.join(", ", keys) + ".";
        }
        if (e instanceof MismatchedInputException m) {
            String msg = m.getOriginalMessage();
            if (msg != null && msg.startsWith("Missing required creator property")) {
                String key = msg.replaceAll(".*property '([^']*)'.*", "$1");
                String parent = parentPath(m.getPath());
                return file + ": missing required key '" + key + "' in " + parent + line
                        + ". Add it (see README: 'dbpromote.yaml').";
            }
            String expected = m.getTargetType() == null ? "another type" : typeName(m.getTargetType());
            String got = m instanceof InvalidFormatException f ? " '" + f.getValue() + "'" : "";
            return file + ": wrong type for '" + path + "'" + line + ": expected " + expected + ", got" + got
                    + (got.isEmpty() ? " " + describeToken(m) : "") + ".";
        }
        if (e instanceof com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException marked
                && marked.getProblemMark() != null) {
            // SnakeYAML knows where the problem is; Jackson's own location is the start of the token it was in.
            String problem = marked.getProblem() == null ? "" : marked.getProblem();
            boolean tab = problem.contains("\\t") || problem.toLowerCase().contains("tab character");
            return file + ": not valid YAML at line " + (marked.getProblemMark().getLine() + 1) + ", column "
                    + (marked.getProblemMark().getColumn() + 1) + ": " + (tab ? "a tab character" : problem.replaceAll("\\s+", " "))
                    + "." + (tab ? " YAML does not allow tabs for indentation: indent with spaces."
                    : " Fix the syntax (indentation, quotes, a ':' after each key).");
        }
        String msg = e.getOriginalMessage();
        return file + ": not valid YAML" + line + ": " + (msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg))
                + ". Fix the syntax (indentation, quotes, a ':' after each key).";
    }

    private static String describeToken(MismatchedInputException m) {
        try {
            JsonParser p = (JsonParser) m.getProcessor();
            return p == null || p.currentToken() == null ? "something else" : switch (p.currentToken()) {
                case START_OBJECT -> "a map";
                case START_ARRAY -> "a list";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "true/false";
                default -> "something else";
            };
        } catch (RuntimeException ex) {
            return "something else";
        }
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a map";
        }
        return type.getSimpleName();
    }

    private static List<String> known(Collection<Object> ids) {
        return ids == null ? List.of() : ids.stream().map(String::valueOf).filter(k -> !k.equals("file")).sorted()
                .collect(Collectors.toList());
    }

    static String path(List<JsonMappingException.Reference> refs) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                parts.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                parts.add("[" + r.getIndex() + "]");
            }
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String parentPath(List<JsonMappingException.Reference> refs) {
        if (refs.size() <= 1) {
            return "the top level";
        }
        return "'" + path(refs.subList(0, refs.size() - 1)) + "'";
    }

    /** The known key closest to {@code key} by edit distance, if close enough to be a typo. */
    static String closest(String key, List<String> known) {
        var distance = org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance.apply(key.toLowerCase(), k.toLowerCase());
            if (d < bestScore) {
                bestScore = d;
                best = k;
            }
        }
        return best != null && bestScore <= Math.max(2, key.length() / 3) ? best : null;
    }
}
