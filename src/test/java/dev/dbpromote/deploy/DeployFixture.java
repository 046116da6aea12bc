package dev.dbpromote.deploy;

import dev.dbpromote.core.Secret;
import dev.dbpromote.env.EnvironmentRecord;
import dev.dbpromote.env.EnvironmentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A repository with dbpromote.yaml, manifests and the clone step's record for dev-pr-42. */
final class DeployFixture {

    static final String PASSWORD = "pw-Zq81-never-printed";
    static final String DIGEST = "sha256:" + "ab12".repeat(16);
    static final String IMAGE = "registry.example.com/acme/orders@" + DIGEST;

    static final String CONFIG = """
            app: orders
            source:
              mysql: {host: prod.db, port: 3306}
              database: orders
              user: svc
              passwordEnv: ORDERS_DB_PASSWORD
            deploy:
              manifests: deploy/k8s
              vars: {LOG_LEVEL: debug}
            %s
            environments:
              dev:
                database: {strategy: clone, ttl: 72h}
                namespace: orders-pr-${PR}
              production:
                protected: true
                database: {strategy: in-place, host: prod.db}
                namespace: orders
            """;

    static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
            spec:
              replicas: 2
              selector:
                matchLabels: {app: orders}
              template:
                metadata:
                  labels: {app: orders}
                spec:
                  containers:
                    - name: orders
                      image: ${IMAGE}
                      env:
                        - {name: LOG_LEVEL, value: "${LOG_LEVEL}"}
                        - {name: DB_HOST, value: "${DB_HOST}"}
                        - {name: DB_PORT, value: "${DB_PORT}"}
                        - name: DB_PASSWORD
                          valueFrom: {secretKeyRef: {name: "${DB_SECRET}", key: password}}
            ---
            # the service
            apiVersion: v1
            kind: Service
            metadata:
              name: orders
              namespace: ${NAMESPACE}
            spec:
              selector: {app: orders}
              ports: [{port: 80, targetPort: 8080}]
            """;

    static final String CONFIGMAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: orders-config
            data:
              env: ${ENV}
              pr: "${PR:-none}"
            """;

    private DeployFixture() {
    }

    static Path repo(Path dir, String extraDeployConfig) throws IOException {
        Files.writeString(dir.resolve("dbpromote.yaml"), CONFIG.formatted(extraDeployConfig));
        Path k8s = Files.createDirectories(dir.resolve("deploy/k8s"));
        Files.writeString(k8s.resolve("app.yaml"), APP);
        Files.writeString(k8s.resolve("config.yml"), CONFIGMAP);
        return dir;
    }

    static Path repo(Path dir) throws IOException {
        return repo(dir, "");
    }

    /** What 'dbpromote clone --env dev --pr 42' leaves behind. */
    static void cloneRecord(Path dir) {
        EnvironmentStore store = new EnvironmentStore(dir.resolve(".dbpromote"));
        String ref = store.storeCredential("dev-pr-42", Secret.of(PASSWORD, "test"));
        store.save(new EnvironmentRecord("dev-pr-42", "orders", "dev", "42", "mysql", "clone.db:3306/orders_pr_42",
                "clone.db", 3306, "orders_pr_42", "orders_pr_42", ref, Instant.now(), Instant.now().plusSeconds(3600),
                Map.of(), Map.of()));
    }

    /** Everything under .dbpromote except the credential store, as one string. */
    static String workspaceText(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.walk(dir.resolve(".dbpromote"))) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("credentials")).toList()) {
                b.append(Files.readString(p));
            }
        }
        return b.toString();
    }
}
