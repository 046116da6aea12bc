package dev.dbpromote.config;

/**
 * Which builds go past dev.
 *
 * @param from {@code main}: builds of that branch promote, PR builds stop after dev; {@code pr}: PR builds promote too
 * @param gateTimeout how long an approval gate waits before the build is aborted (e.g. {@code 24h})
 */
public record PromoteConfig(String from, String gateTimeout) {

    public static final PromoteConfig DEFAULT = new PromoteConfig(null, null);

    public PromoteConfig {
        from = from == null ? "main" : from;
        gateTimeout = gateTimeout == null ? "24h" : gateTimeout;
    }
}
