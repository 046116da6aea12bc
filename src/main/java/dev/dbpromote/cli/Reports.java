package dev.dbpromote.cli;

import dev.dbpromote.config.Config;
import dev.dbpromote.core.Json;

/** JSON results under {@code .dbpromote/reports/<command>-<envkey>.json}. */
final class Reports {

    private Reports() {
    }

    static void write(Config config, String command, String envKey, Object result) {
        Json.write(config.stateDir().resolve("reports").resolve(command + "-" + envKey + ".json"), result);
    }
}
