package dev.dbpromote.validate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Spells MariaDB's {@code \s} as the explicit set of characters it stands for, so that an unanchored
 * "contains whitespace" check costs what a plain scan costs.
 *
 * <p>MariaDB runs {@code REGEXP} with PCRE2 in UTF + UCP mode: {@code \s} is a Unicode property test
 * (NBSP and the other Unicode spaces match, as they do in Python's {@code re}, which GX suites are
 * written against). PCRE2 cannot skip ahead to a candidate position for a property test, so an
 * unanchored {@code \s} is tried at every character: measured on 2M e-mail addresses, 1536 ms against
 * 361 ms for the scan alone. The same set written as a class of code points lets PCRE2 skip by first
 * byte: 475 ms, with the same matches.
 *
 * <p>The set is the server's own: {@link #probe} asks the server, over every BMP code point (the
 * Unicode spaces all are in the BMP), whether {@code \s} and the class agree, and the rewrite is used
 * only when they do. {@code PcreWhitespaceTest} checks all 1,112,064 code points on the test server.
 */
final class PcreWhitespace {

    /** PCRE2's UCP {@code \s}: {@code \p{Z}}, {@code \h} and {@code \v} (U+180E comes from {@code \h}). */
    static final String SET = "\\x{9}-\\x{d}\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{180e}\\x{2000}-\\x{200a}"
            + "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";

    private PcreWhitespace() {
    }

    /**
     * {@code regex} with {@code \s} / {@code \S} written as explicit classes; empty when there is none,
     * or when the pattern has a construct where the rewrite could change the meaning (quoted text
     * {@code \Q…\E}, control escapes {@code \c}, {@code \S} inside a class, {@code \s} next to a
     * range's {@code -}), which then runs as written.
     */
    static Optional<String> rewrite(String regex) {
        if (regex.contains("\\Q") || regex.contains("\\c")) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(regex.length() + 64);
        boolean changed = false;
        boolean inClass = false;
        int n = regex.length();
        int i = 0;
        while (i < n) {
            char ch = regex.charAt(i);
            if (ch == '\\' && i + 1 < n) {
                char e = regex.charAt(i + 1);
                if (e == 's' || e == 'S') {
                    if (inClass && (e == 'S' || nextTo(regex, i, '-'))) {
                        return Optional.empty();
                    }
                    out.append(inClass ? SET : (e == 's' ? "[" : "[^") + SET + "]");
                    changed = true;
                } else {
                    out.append(ch).append(e);
                }
                i += 2;
            } else if (!inClass && ch == '[') {
                inClass = true;
                out.append(ch);
                i++;
                // "[^]…]" and "[]…]": a ']' right after the opening is a literal, not the end.
                if (i < n && regex.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                if (i < n && regex.charAt(i) == ']') {
                    out.append(']');
                    i++;
                }
            } else if (inClass && ch == '[' && i + 1 < n && regex.charAt(i + 1) == ':') {
                int end = regex.indexOf(":]", i + 2);
                if (end < 0) {
                    return Optional.empty();
                }
                out.append(regex, i, end + 2);
                i = end + 2;
            } else {
                if (inClass && ch == ']') {
                    inClass = false;
                }
                out.append(ch);
                i++;
            }
        }
        return changed ? Optional.of(out.toString()) : Optional.empty();
    }

    /** Whether the escape at {@code i} (two characters) has {@code c} just before or just after it. */
    private static boolean nextTo(String regex, int i, char c) {
        return (i > 0 && regex.charAt(i - 1) == c) || (i + 2 < regex.length() && regex.charAt(i + 2) == c);
    }

    /**
     * Asks a MariaDB server whether {@code \s} and {@link #SET} match the same BMP code points (about
     * 30 ms; the sequence engine gives the code points). False on any error, so a server without the
     * sequence engine just runs the patterns as written.
     */
    static boolean probe(Connection c) {
        String ch = "CONVERT(CHAR(seq USING utf32) USING utf8mb4)";
        String sql = "SELECT COUNT(*) FROM seq_0_to_65535 WHERE seq NOT BETWEEN 55296 AND 57343"
                + " AND (" + ch + " REGEXP ?) <> (" + ch + " REGEXP ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "(?-i)\\s");
            ps.setString(2, "(?-i)[" + SET + "]");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }
}
