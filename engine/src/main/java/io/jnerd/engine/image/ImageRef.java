package io.jnerd.engine.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalized image reference, as docker and containerd name images:
 * {@code alpine} is {@code docker.io/library/alpine:latest}.
 */
public final class ImageRef {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    private final String domain;
    private final String path;
    private final String tag;
    private final String digest;

    private ImageRef(String domain, String path, String tag, String digest) {
        this.domain = domain;
        this.path = path;
        this.tag = tag;
        this.digest = digest;
    }

    public static ImageRef parse(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String rest = ref;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.validate(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid tag in image reference: " + ref);
            }
        }
        String domain = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                domain = first;
                path = rest.substring(slash + 1);
            }
        }
        if (domain.equals("index.docker.io")) {
            domain = DOCKER_HUB;
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid image reference: " + ref
                        + (ref.equals(ref.toLowerCase(Locale.ROOT)) ? "" : " (repository names must be lowercase)"));
            }
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageRef(domain, path, tag, digest);
    }

    public String domain() {
        return domain;
    }

    /** The repository path on the registry, e.g. {@code library/alpine}. */
    public String path() {
        return path;
    }

    public String tag() {
        return tag;
    }

    public String digest() {
        return digest;
    }

    public String repository() {
        return domain + "/" + path;
    }

    /** The name containerd stores the image under. */
    @Override
    public String toString() {
        return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** The short form docker prints: {@code alpine:latest} for Docker Hub's library images. */
    public String familiar() {
        String repo = repository();
        if (repo.startsWith(DOCKER_HUB + "/library/")) {
            repo = repo.substring((DOCKER_HUB + "/library/").length());
        } else if (repo.startsWith(DOCKER_HUB + "/")) {
            repo = repo.substring(DOCKER_HUB.length() + 1);
        }
        return repo + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
