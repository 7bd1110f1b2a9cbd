package io.jnerd.engine.registry;

import io.jnerd.engine.image.ImageRef;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;

/**
 * Where a registry domain is served: Docker Hub's images live at registry-1.docker.io;
 * loopback registries and those named with {@code --insecure-registry} speak plain HTTP,
 * all others HTTPS (as docker and containerd decide).
 */
public final class RegistryEndpoint {
    static final String DOCKER_HUB_HOST = "registry-1.docker.io";

    private final String domain;
    private final URI base;

    private RegistryEndpoint(String domain, URI base) {
        this.domain = domain;
        this.base = base;
    }

    /** @param insecure {@code HOST[:PORT]} entries; a bare host matches every port of it */
    public static RegistryEndpoint of(String domain, Collection<String> insecure) {
        String host = domain.equals(ImageRef.DOCKER_HUB) ? DOCKER_HUB_HOST : domain;
        boolean plain = isLoopback(hostOnly(host)) || insecure.stream().anyMatch(i -> matches(i, host));
        return new RegistryEndpoint(domain, URI.create((plain ? "http://" : "https://") + host));
    }

    /** The domain of image references ({@code docker.io}), which credentials are stored under. */
    public String domain() {
        return domain;
    }

    public URI base() {
        return base;
    }

    public boolean isPlainHttp() {
        return base.getScheme().equals("http");
    }

    URI resolve(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private static boolean matches(String insecure, String host) {
        String i = insecure.toLowerCase(Locale.ROOT).replaceFirst("^https?://", "").replaceAll("/+$", "");
        String h = host.toLowerCase(Locale.ROOT);
        return i.equals(h) || i.equals(hostOnly(h));
    }

    /** {@code [::1]:5000} → {@code ::1}; {@code 127.0.0.1:5000} → {@code 127.0.0.1}. */
    static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end > 0 ? hostPort.substring(1, end) : hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && hostPort.indexOf(':') == colon ? hostPort.substring(0, colon) : hostPort;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }

    @Override
    public String toString() {
        return base.getAuthority();
    }
}
