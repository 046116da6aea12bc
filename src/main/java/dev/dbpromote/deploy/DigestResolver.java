package dev.dbpromote.deploy;

/**
 * Turns a tag into the digest it points at now, once, so every environment after it deploys exactly
 * that build. One implementation talks to the registry ({@link RegistryDigestResolver}).
 */
@FunctionalInterface
public interface DigestResolver {

    /** @return {@code sha256:…} for {@code image}'s tag; an exception naming the registry when it cannot */
    String resolve(ImageRef image);

    /** For callers that must not look anything up (plan mode without network). */
    static DigestResolver none() {
        return image -> {
            throw dev.dbpromote.core.DbPromoteException.invalid("Image '" + image.original() + "' has no digest and"
                    + " registry look-ups are off. Pass the image by digest (name@sha256:…).");
        };
    }
}
