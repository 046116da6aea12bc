package dev.dbpromote.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dbpromote.core.DbPromoteException;
import dev.dbpromote.testing.CliRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fake OCI registry on 127.0.0.1 with the Docker token-auth challenge. */
class RegistryDigestResolverTest {

    static final String DIGEST = "sha256:" + "c0ffee00".repeat(8);
    HttpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        String base = "http://127.0.0.1:" + "%d";
        server.createContext("/token", ex -> {
            seen.add("token " + ex.getRequestURI().getRawQuery());
            byte[] body = "{\"token\":\"anon-tok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/v2/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " accept=" + ex.getRequestHeaders().getFirst("Accept"));
            if (!"Bearer anon-tok".equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + base.formatted(server.getAddress().getPort())
                        + "/token\",service=\"fake-registry\",scope=\"repository:acme/orders:pull\"");
                ex.sendResponseHeaders(401, -1);
            } else if (ex.getRequestURI().getPath().equals("/v2/acme/orders/manifests/1.4")) {
                ex.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String registry() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void resolvesATagWithTheAnonymousTokenFlow() {
        String digest = new RegistryDigestResolver().resolve(ImageRef.parse(registry() + "/acme/orders:1.4"));
        assertEquals(DIGEST, digest);
        assertTrue(seen.get(0).startsWith("HEAD /v2/acme/orders/manifests/1.4 accept=application/vnd.oci.image.index.v1+json"), seen.toString());
        assertTrue(seen.get(1).contains("scope=repository%3Aacme%2Forders%3Apull") && seen.get(1).contains("service=fake-registry"), seen.toString());
        assertEquals(3, seen.size(), seen.toString());
    }

    @Test
    void anUnknownTagSaysSoAndSuggestsADigest() {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> new RegistryDigestResolver().resolve(ImageRef.parse(registry() + "/acme/orders:nope")));
        assertEquals(DbPromoteException.Kind.INVALID_INPUT, e.kind());
        assertTrue(e.getMessage().contains("not found in registry " + registry()) && e.getMessage().contains("by digest"), e.getMessage());
    }

    @Test
    void anUnreachableRegistryIsExternal() {
        DbPromoteException e = assertThrows(DbPromoteException.class,
                () -> new RegistryDigestResolver().resolve(ImageRef.parse("127.0.0.1:1/acme/orders:1.4")));
        assertEquals(DbPromoteException.Kind.EXTERNAL, e.kind());
    }

    @Test
    void theCliResolvesATagOnceAndRendersTheDigest(@TempDir Path dir) throws Exception {
        DeployFixture.repo(dir);
        DeployFixture.cloneRecord(dir);
        CliRun.Result r = CliRun.in(dir).run("deploy", "--env", "dev", "--pr", "42", "--image", registry() + "/acme/orders:1.4", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.err().contains("resolved " + registry() + "/acme/orders:1.4 to " + DIGEST), r.err());
        String deployment = Files.readString(dir.resolve(".dbpromote/deploy/dev-pr-42/05-deployment-orders.yaml"));
        assertTrue(deployment.contains("image: " + registry() + "/acme/orders@" + DIGEST), deployment);
    }
}
