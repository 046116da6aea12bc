package dev.dbpromote.deploy;

import dev.dbpromote.core.DbPromoteException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a tag with the OCI Distribution API: {@code HEAD /v2/<repo>/manifests/<tag>} and the
 * {@code Docker-Content-Digest} header, accepting image indexes and manifests (OCI and Docker v2) so the
 * digest is the multi-arch one a {@code docker pull} would record. Registries that answer 401 with a
 * {@code WWW-Authenticate: Bearer realm=…} challenge get the anonymous token flow (Docker Hub, GHCR
 * public images); private registries need the agent's pull credentials, which this does not read —
 * pass the image by digest there. Loopback registries are spoken to over plain HTTP, like Docker's
 * default insecure-registry rule for 127.0.0.0/8.
 */
public final class RegistryDigestResolver implements DigestResolver {

    static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final HttpClient http;

    public RegistryDigestResolver() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build());
    }

    RegistryDigestResolver(HttpClient http) {
        this.http = http;
    }

    @Override
    public String resolve(ImageRef image) {
        String host = image.registry().equals(ImageRef.DOCKER_HUB) ? "registry-1.docker.io" : image.registry();
        String scheme = host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https";
        URI uri = URI.create(scheme + "://" + host + "/v2/" + image.repository() + "/manifests/"
                + (image.tag() == null ? "latest" : image.tag()));
        try {
            HttpResponse<Void> r = head(uri, null);
            if (r.statusCode() == 401) {
                Optional<String> token = token(r.headers().firstValue("WWW-Authenticate").orElse(""), image);
                if (token.isPresent()) {
                    r = head(uri, token.get());
                }
            }
            if (r.statusCode() == 404) {
                throw DbPromoteException.invalid("Image " + image.original() + " not found in registry " + host
                        + " (HEAD " + uri.getPath() + " -> 404). Check the tag was pushed, or pass the image by digest.");
            }
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw DbPromoteException.invalid("Registry " + host + " refused to show " + image.original() + " ("
                        + r.statusCode() + "); dbpromote resolves tags anonymously. Pass the image by digest"
                        + " (the build's output, e.g. docker buildx --metadata-file), name@sha256:….");
            }
            String digest = r.headers().firstValue("Docker-Content-Digest").orElse("");
            if (r.statusCode() != 200 || !DIGEST.matcher(digest).matches()) {
                throw DbPromoteException.external("Registry " + host + " answered " + r.statusCode()
                        + " without a usable Docker-Content-Digest for " + image.original() + ". Pass the image by digest.");
            }
            return digest;
        } catch (IOException e) {
            throw DbPromoteException.external("Cannot reach registry " + host + " to resolve " + image.original()
                    + " to a digest: " + e.getMessage() + ". Pass the image by digest (name@sha256:…) or check the network.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DbPromoteException.external("Interrupted while resolving " + image.original(), e);
        }
    }

    private HttpResponse<Void> head(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).header("Accept", ACCEPT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** The anonymous token flow of the Docker registry auth spec; the token is used once and never logged. */
    private Optional<String> token(String challenge, ImageRef image) throws IOException, InterruptedException {
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return Optional.empty();
        }
        String scope = params.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?")
                .append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (params.containsKey("service")) {
            url.append("&service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return Optional.empty();
        }
        var node = dev.dbpromote.core.Json.mapper().readTree(r.body());
        String token = node.hasNonNull("token") ? node.get("token").asText() : node.path("access_token").asText(null);
        return Optional.ofNullable(token);
    }
}
