package dev.dbpromote.deploy;

import dev.dbpromote.core.DbPromoteException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference, split the way Docker's reference grammar does:
 * {@code [registry[:port]/]repository[:tag][@sha256:hex]}. The registry is the first path component
 * when it contains '.' or ':' or is {@code localhost}; otherwise the image is on Docker Hub.
 *
 * @param registry {@code ghcr.io}, {@code 127.0.0.1:5000}; {@code docker.io} for Docker Hub
 * @param repository {@code acme/orders}; {@code library/nginx} for Hub's official images
 * @param tag may be null
 * @param digest {@code sha256:…}, may be null
 * @param original the text as given, for messages
 */
public record ImageRef(String registry, String repository, String tag, String digest, String original) {

    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public static ImageRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw DbPromoteException.invalid("--image is empty. Pass the build's image, e.g. --image registry.example.com/orders@sha256:<digest>.");
        }
        String rest = text.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw DbPromoteException.invalid("Image '" + text + "' has a malformed digest '" + digest
                        + "'. A digest is 'sha256:' followed by 64 lowercase hex characters.");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw DbPromoteException.invalid("Image '" + text + "' has an invalid tag '" + tag + "'.");
            }
        }
        if (!REPOSITORY.matcher(rest).matches()) {
            throw DbPromoteException.invalid("Image '" + text + "' is not a valid image reference (repository '" + rest
                    + "'). Use lowercase [registry/]name[:tag][@sha256:digest].");
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new ImageRef(registry, rest, tag, digest, text.trim());
    }

    public boolean hasDigest() {
        return digest != null;
    }

    public ImageRef withDigest(String newDigest) {
        return new ImageRef(registry, repository, tag, newDigest, original);
    }

    /** {@code registry/repository} as a pull would name it (Hub images without the implied prefix). */
    public String name() {
        if (registry.equals(DOCKER_HUB)) {
            return repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
        }
        return registry + "/" + repository;
    }

    /** What goes into the manifests: by digest when known ({@code name@sha256:…}), else {@code name:tag}. */
    public String pinned() {
        if (digest != null) {
            return name() + "@" + digest;
        }
        return name() + ":" + (tag == null ? "latest" : tag);
    }

    /** Matcher of a digest-pinned reference, for checking other images in the manifests. */
    static boolean isPinned(String image) {
        Matcher m = Pattern.compile("@(sha256:[a-f0-9]{64})$").matcher(image == null ? "" : image);
        return m.find();
    }

    @Override
    public String toString() {
        return pinned();
    }
}
