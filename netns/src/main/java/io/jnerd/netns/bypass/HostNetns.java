package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.KernelFeatures;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;

/**
 * The agent's own network namespace, told apart from a container's by its cookie
 * (SO_NETNS_COOKIE, Linux 5.14, no privilege needed). The switch uses it to recognise a
 * socket it already replaced: such a socket must never be connected or bound by the
 * kernel on the container's behalf, or a rewritten sockaddr would reach the host.
 */
final class HostNetns {

    private static final class Probe {
        static final long COOKIE = agentCookieOnce();

        private static long agentCookieOnce() {
            if (!KernelFeatures.netnsCookie().available()) {
                return 0;
            }
            try (Fd s = Sockets.socket(SockAddr.AF_INET, Sockets.SOCK_DGRAM | Sockets.SOCK_CLOEXEC, 0)) {
                return Sockets.netnsCookie(s);
            } catch (SyscallException e) {
                throw new IllegalStateException("the agent's own SO_NETNS_COOKIE: " + e.getMessage(), e);
            }
        }
    }

    private HostNetns() {}

    /** Null when the kernel can tell namespaces apart, else why not ({@link KernelFeatures#netnsCookie()}). */
    static String unavailabilityCause() {
        KernelFeatures.Feature f = KernelFeatures.netnsCookie();
        return f.available() ? null : f.reason();
    }

    /** The agent's netns cookie; per switched call, so the feature is looked up once, not by name each time. */
    static long agentCookie() throws SyscallException {
        if (Probe.COOKIE == 0) {
            KernelFeatures.netnsCookie().require();
        }
        return Probe.COOKIE;
    }
}
