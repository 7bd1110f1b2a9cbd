package io.jnerd.engine.network;

import io.jnerd.nativebindings.KernelFeatures;
import io.jnerd.netns.Executables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which {@code --net} modes can work on this host, and what is missing where one cannot ({@code jnerd info}). */
public final class NetworkAvailability {
    /** One mode: usable or not, and why. */
    public record Mode(String name, boolean available, String reason) {}

    private NetworkAvailability() {}

    /** @param bypassdSocket where bypassd would listen (empty: none can be named) */
    public static List<Mode> report(Optional<Path> bypassdSocket) {
        List<Mode> out = new ArrayList<>();
        out.add(new Mode("host", true, "the host's network namespace"));
        out.add(new Mode("none", true, "a network namespace with only lo"));
        KernelFeatures.Feature tun = KernelFeatures.devNetTun();
        Mode slirp = driver("slirp4netns", "slirp4netns", tun);
        out.add(slirp);
        out.add(driver("pasta", "passt", tun));
        List<String> missing = new ArrayList<>();
        if (!slirp.available()) {
            missing.add("slirp4netns: " + slirp.reason());
        }
        KernelFeatures.Feature kernel = KernelFeatures.bypass4netns();
        if (!kernel.available()) {
            missing.add(kernel.reason());
        }
        String served = bypassdSocket.filter(Files::exists)
                .map(s -> "bypasses served by bypassd at " + s + "; for nerdctl's containers UDP sockets are not switched:"
                        + " its seccomp profile notifies no send (GET /v1/bypass lists what each bypass leaves out)")
                .orElse("no bypassd running: jnerd run serves the bypass itself, with -d the container's network keeper");
        out.add(missing.isEmpty() ? new Mode("bypass4netns", true, served)
                : new Mode("bypass4netns", false, String.join("; ", missing)));
        return out;
    }

    private static Mode driver(String name, String debianPackage, KernelFeatures.Feature tun) {
        Optional<Path> binary = Executables.find(name);
        if (binary.isEmpty()) {
            return new Mode(name, false, name + " is not installed (apt-get install " + debianPackage + ")");
        }
        if (!tun.available()) {
            return new Mode(name, false, tun.reason());
        }
        return new Mode(name, true, binary.get() + ", " + tun.reason());
    }
}
