package dev.dbpromote.deploy;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock API server on 127.0.0.1 in mixed mode: CRUD for GET/POST/PUT/DELETE, JSON patch and
 * {@code /status}, plus expectations for what CRUD mode does not do (server-side apply answers 415
 * there), and a kubeconfig file pointing the real client-java at it.
 */
final class KubeMock implements AutoCloseable {

    final KubernetesMockServer server;
    final NamespacedKubernetesClient fabric8;

    KubeMock() throws IOException {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        fabric8 = server.createClient();
    }

    String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    static Path kubeconfig(Path dir, String server) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                current-context: test-ctx
                contexts:
                  - name: test-ctx
                    context: {cluster: test, user: deployer}
                clusters:
                  - name: test
                    cluster: {server: "%s"}
                users:
                  - name: deployer
                    user: {token: tok-SECRET-123}
                """.formatted(server));
        return file;
    }

    /**
     * Answers server-side apply of one object with the object (what a real server returns), and the same
     * request with {@code dryRun=All}, which dbpromote sends for every object before it applies anything.
     */
    void stubApply(String path, String query, String kind) {
        server.expect().patch().withPath(path + "?" + query)
                .andReturn(200, "{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"x\"}}").always();
        if (!query.startsWith("dryRun=All")) {
            server.expect().patch().withPath(path + "?dryRun=All&" + query)
                    .andReturn(200, "{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"x\"}}").always();
        }
    }

    /** Every request received so far, in order. */
    List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            out.add(r);
        }
        return out;
    }

    @Override
    public void close() {
        fabric8.close();
        server.destroy();
    }
}
