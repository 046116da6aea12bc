package dev.dbpromote.jenkins;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in {@code dbpromote} for the exit-code and argument tests (the real engine is exercised by
 * {@link RealEngineStepTest}): a POSIX shell script that appends its command line to {@code fake-calls.txt} in its
 * working directory, prints to stderr where it runs and what it received through the environment (secrets
 * included, so the tests can see them masked), prints a JSON result on stdout and exits with {@code $FAKE_EXIT}
 * (default 0).
 */
final class FakeEngine {
    static final String SCRIPT = """
            #!/bin/sh
            echo "$*" >> fake-calls.txt
            echo "fake dbpromote pid $$ in $PWD" >&2
            [ -n "$ORDERS_DB_PASSWORD" ] && echo "got password=$ORDERS_DB_PASSWORD" >&2
            [ -n "$AWS_SECRET_ACCESS_KEY" ] && echo "got aws=$AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY" >&2
            [ -n "$KUBECONFIG" ] && echo "got kubeconfig=$KUBECONFIG first line: $(head -n 1 "$KUBECONFIG")" >&2
            code=${FAKE_EXIT:-0}
            if [ "$code" = 0 ]; then
              echo '{"success":true,"key":"dev-pr-42","host":"127.0.0.1","port":3306,"database":"orders_pr_42","image":"registry.example/orders@sha256:abc","digest":"registry.example/orders@sha256:abc","approvedBy":null,"nested":{"list":[1,"two",null,true]}}'
            else
              echo "{\\"success\\":false,\\"exitCode\\":$code,\\"error\\":\\"fake failure $code: V2__add_email.sql statement 1 at line 3\\"}"
            fi
            exit "$code"
            """;

    private FakeEngine() {
    }

    /** Writes {@code <home>/bin/dbpromote} and returns home. */
    static Path install(Path home) throws IOException {
        Path bin = home.resolve("bin");
        Files.createDirectories(bin);
        Path script = bin.resolve("dbpromote");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        if (!script.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + script + " executable");
        }
        return home;
    }

    static File homeFile(Path home) {
        return home.toFile();
    }
}
