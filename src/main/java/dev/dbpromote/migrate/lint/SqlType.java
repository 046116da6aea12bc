package dev.dbpromote.migrate.lint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A MySQL column type, normalized enough to compare two definitions of one column: synonyms folded
 * ({@code INTEGER} is {@code INT}, {@code NUMERIC} is {@code DECIMAL}, {@code BOOL} is {@code TINYINT(1)}),
 * integer display widths ignored (they are not limits), {@code DECIMAL} defaults made explicit (10,0).
 *
 * @param base upper-case type name
 * @param args the numbers in parentheses (length, precision/scale); ENUM/SET values are not kept
 */
public record SqlType(String base, List<Long> args, boolean unsigned) {

    private static final Map<String, String> SYNONYMS = Map.ofEntries(Map.entry("INTEGER", "INT"), Map.entry("INT4", "INT"),
            Map.entry("INT8", "BIGINT"), Map.entry("INT2", "SMALLINT"), Map.entry("INT1", "TINYINT"), Map.entry("INT3", "MEDIUMINT"),
            Map.entry("MIDDLEINT", "MEDIUMINT"), Map.entry("NUMERIC", "DECIMAL"), Map.entry("DEC", "DECIMAL"), Map.entry("FIXED", "DECIMAL"),
            Map.entry("CHARACTER", "CHAR"), Map.entry("NCHAR", "CHAR"), Map.entry("NVARCHAR", "VARCHAR"), Map.entry("REAL", "DOUBLE"),
            Map.entry("LONG", "MEDIUMTEXT"));

    /** Largest value per integer type, signed; unsigned is twice plus one. */
    private static final Map<String, BigInteger> INT_MAX = Map.of("TINYINT", BigInteger.valueOf(127), "SMALLINT",
            BigInteger.valueOf(32767), "MEDIUMINT", BigInteger.valueOf(8388607), "INT", BigInteger.valueOf(2147483647L), "BIGINT",
            BigInteger.valueOf(Long.MAX_VALUE));

    /** Bytes a TEXT/BLOB type holds. */
    private static final Map<String, Long> LOB_BYTES = Map.of("TINYTEXT", 255L, "TEXT", 65535L, "MEDIUMTEXT", 16777215L,
            "LONGTEXT", 4294967295L, "TINYBLOB", 255L, "BLOB", 65535L, "MEDIUMBLOB", 16777215L, "LONGBLOB", 4294967295L);

    static SqlType read(Ddl.Cursor c) {
        Ddl.Token t = c.next();
        String base = t.upper();
        if (base.equals("DOUBLE") && c.accept("PRECISION")) {
            base = "DOUBLE";
        } else if (base.equals("CHARACTER") || base.equals("CHAR") || base.equals("NATIONAL")) {
            if (base.equals("NATIONAL")) {
                base = c.next().upper();
            }
            if (c.accept("VARYING")) {
                base = "VARCHAR";
            }
        } else if (base.equals("LONG") && (c.accept("VARCHAR") || c.accept("VARBINARY"))) {
            base = "MEDIUMTEXT";
        }
        base = SYNONYMS.getOrDefault(base, base);
        List<Long> args = new ArrayList<>();
        if ((base.equals("ENUM") || base.equals("SET")) && c.peekSymbol("(")) {
            // The values are the type: ENUM('a','b') and ENUM('a','b','c') differ.
            return new SqlType(base + "(" + Ddl.Token.text(c.parenthesized()).replace(" , ", ",") + ")", List.of(), false);
        }
        if (c.peekSymbol("(")) {
            for (List<Ddl.Token> arg : Ddl.Cursor.splitByComma(c.parenthesized())) {
                if (arg.size() == 1 && arg.get(0).kind() == Ddl.Token.Kind.NUMBER) {
                    try {
                        args.add(Long.parseLong(arg.get(0).text()));
                    } catch (NumberFormatException e) {
                        // not a plain length
                    }
                }
            }
        }
        boolean unsigned = false;
        while (true) {
            if (c.accept("UNSIGNED")) {
                unsigned = true;
            } else if (!c.accept("SIGNED") && !c.accept("ZEROFILL")) {
                break;
            }
        }
        if (base.equals("BOOL") || base.equals("BOOLEAN")) {
            return new SqlType("TINYINT", List.of(), false);
        }
        if (INT_MAX.containsKey(base)) {
            args = List.of(); // INT(11): a display width, not a limit
        }
        if (base.equals("DECIMAL")) {
            long p = args.isEmpty() ? 10 : args.get(0);
            long s = args.size() < 2 ? 0 : args.get(1);
            args = List.of(p, s);
        }
        if ((base.equals("CHAR") || base.equals("BINARY")) && args.isEmpty()) {
            args = List.of(1L);
        }
        return new SqlType(base, List.copyOf(args), unsigned);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(base);
        if (!args.isEmpty()) {
            b.append('(').append(String.join(",", args.stream().map(String::valueOf).toList())).append(')');
        }
        return unsigned ? b.append(" UNSIGNED").toString() : b.toString();
    }

    boolean isInteger() {
        return INT_MAX.containsKey(base);
    }

    boolean isDecimal() {
        return base.equals("DECIMAL");
    }

    /** CHAR/VARCHAR/TEXT types (counted in characters) or BINARY/VARBINARY/BLOB (bytes). */
    boolean isString() {
        return base.equals("CHAR") || base.equals("VARCHAR") || base.endsWith("TEXT");
    }

    boolean isBinary() {
        return base.equals("BINARY") || base.equals("VARBINARY") || base.endsWith("BLOB");
    }

    BigInteger intMin() {
        return unsigned ? BigInteger.ZERO : INT_MAX.get(base).add(BigInteger.ONE).negate();
    }

    BigInteger intMax() {
        BigInteger max = INT_MAX.get(base);
        return unsigned ? max.shiftLeft(1).add(BigInteger.ONE) : max;
    }

    /** Characters (strings) or bytes (binaries) the type holds; TEXT/BLOB in bytes; -1 when unknown. */
    long capacity() {
        if (LOB_BYTES.containsKey(base)) {
            return LOB_BYTES.get(base);
        }
        return args.isEmpty() ? -1 : args.get(0);
    }

    /** TEXT/BLOB limits are in bytes; CHAR/VARCHAR in characters. */
    boolean capacityInBytes() {
        return LOB_BYTES.containsKey(base) || isBinary();
    }

    /**
     * Why changing from this type to {@code to} can lose or refuse values, or null when every value fits.
     * Only the families lint can judge (integers, DECIMAL, strings, binaries, and string↔number).
     */
    String narrowing(SqlType to) {
        if (isInteger() && to.isInteger()) {
            if (to.intMin().compareTo(intMin()) > 0 || to.intMax().compareTo(intMax()) < 0) {
                return "range " + intMin() + ".." + intMax() + " -> " + to.intMin() + ".." + to.intMax();
            }
            return null;
        }
        if (isDecimal() && to.isDecimal()) {
            long intDigits = args.get(0) - args.get(1);
            long toIntDigits = to.args.get(0) - to.args.get(1);
            if (toIntDigits < intDigits) {
                return intDigits + " integer digits -> " + toIntDigits;
            }
            if (to.args.get(1) < args.get(1)) {
                return args.get(1) + " decimals -> " + to.args.get(1) + " (values are rounded)";
            }
            return null;
        }
        if (isInteger() && to.isDecimal()) {
            long digits = to.args.get(0) - to.args.get(1);
            return intMax().toString().length() > digits ? "integers up to " + intMax() + " -> " + digits + " integer digits" : null;
        }
        if ((isString() && to.isString()) || (isBinary() && to.isBinary())) {
            long from = capacity();
            long into = to.capacity();
            if (from < 0 || into < 0) {
                return null;
            }
            // TEXT (bytes) into VARCHAR (characters): compare what fits at one byte per character, the most it can hold.
            if (into < from) {
                return name(this) + " -> " + name(to);
            }
            return null;
        }
        if ((isString() || isBinary()) && (to.isInteger() || to.isDecimal() || to.base.equals("DOUBLE") || to.base.equals("FLOAT"))) {
            return "text -> number: values that are not numbers fail or become 0";
        }
        if ((isInteger() || isDecimal()) && (to.isString() || to.isBinary()) && to.capacity() >= 0) {
            long digits = isInteger() ? intMin().toString().length() : args.get(0) + 2;
            return to.capacity() < digits ? name(this) + " -> " + name(to) + ": longer numbers do not fit" : null;
        }
        return null;
    }

    private static String name(SqlType t) {
        return t.toString().toLowerCase(Locale.ROOT);
    }
}
