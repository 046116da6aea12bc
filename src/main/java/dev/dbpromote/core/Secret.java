package dev.dbpromote.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A credential value that never prints itself. {@code toString()} is a fixed mask, so a secret that
 * ends up in a log line, an exception message or a JSON report by accident leaks nothing; code that
 * really needs the value calls {@link #reveal()} at the point of use (a JDBC property, a Kubernetes
 * Secret's data).
 */
public final class Secret {

    public static final String MASK = "******";

    private final char[] value;
    private final String origin;

    private Secret(char[] value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /** @param origin where the value came from, safe to print ("env ORDERS_DB_PASSWORD") */
    public static Secret of(String value, String origin) {
        return new Secret(Objects.requireNonNull(value, "value").toCharArray(), origin);
    }

    public String reveal() {
        return new String(value);
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** Where the value came from, e.g. {@code env ORDERS_DB_PASSWORD}; never the value. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
