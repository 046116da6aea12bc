package dev.dbpromote.env;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of an environment's resources, derived from app, env and PR (or a branch name) so a re-run finds
 * the same resource. Every name is valid whatever the input:
 * <ul>
 * <li>{@link #rdsIdentifier()}: RDS DB instance / cluster / snapshot identifier: 1-63 characters, ASCII
 * letters, digits and hyphens, first a letter, no {@code --}, no trailing hyphen
 * (<a href="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints">RDS naming constraints</a>);</li>
 * <li>{@link #schema()}: MySQL schema name: at most 64 characters of {@code [a-z0-9_]}, starting with a letter,
 * so it never needs quoting and is the same on case-insensitive file systems;</li>
 * <li>{@link #user()}: MySQL user name: at most 32 characters (MySQL 5.7+'s limit).</li>
 * </ul>
 * A name that had to be shortened ends with 8 hex digits of the SHA-256 of the full input, so two long
 * branch names that share a prefix still get different names.
 *
 * <pre>{@code Names.of("orders", "dev", "42").rdsIdentifier()  // orders-dev-pr-42}</pre>
 */
public record Names(String rdsIdentifier, String schema, String user) {

    static final int RDS_MAX = 63;
    static final int SCHEMA_MAX = 64;
    static final int USER_MAX = 32;

    /** @param pr a PR number or, for branch builds, a branch name; null for fixed environments */
    public static Names of(String app, String env, String pr) {
        String raw = app + "-" + env + (pr == null || pr.isBlank() ? "" : "-pr-" + pr);
        return new Names(identifier(raw, '-', RDS_MAX), identifier(raw, '_', SCHEMA_MAX), identifier(raw, '_', USER_MAX));
    }

    /** {@code raw} folded to {@code [a-z0-9]} runs joined by {@code sep}, letter first, at most {@code max} long. */
    static String identifier(String raw, char sep, int max) {
        // Ä -> A, é -> e: decompose and drop the combining marks; anything else non-ASCII becomes a separator.
        String folded = Normalizer.normalize(raw, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        boolean pendingSep = false;
        for (char c : folded.toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (pendingSep && out.length() > 0) {
                    out.append(sep);
                }
                out.append(c);
                pendingSep = false;
            } else {
                pendingSep = true;
            }
        }
        String name = out.toString();
        if (name.isEmpty()) {
            name = "db";
        } else if (!Character.isLetter(name.charAt(0))) {
            name = "db" + sep + name;
        }
        if (name.length() > max) {
            String hash = hash(raw);
            String head = name.substring(0, max - hash.length() - 1);
            while (head.endsWith(String.valueOf(sep))) {
                head = head.substring(0, head.length() - 1);
            }
            name = head + sep + hash;
        }
        return name;
    }

    /** A MySQL user name (at most 32 characters) for the clone in schema {@code schema}. */
    public static String mysqlUser(String schema) {
        return identifier(schema, '_', USER_MAX);
    }

    private static String hash(String raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
