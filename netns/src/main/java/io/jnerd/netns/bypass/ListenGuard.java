package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * {@code listen(fd, backlog)}, performed by the agent on the pinned socket. A host socket
 * may listen only if the bypass bound it for a published port. Any other host socket in
 * the container (a switched TCP connect that then failed is unconnected again) would,
 * listening, be bound by the kernel to a free port of the host's namespace and take
 * connections from wherever the host is reachable: a port nobody published. Those get
 * EPERM. The call is never CONTINUEd: between the check and the kernel's own fd lookup a
 * container thread could dup2 such a host socket onto the fd; listen has no argument in
 * memory, so the agent can make it for any socket, AF_UNIX included.
 */
final class ListenGuard {

    private static final Logger LOG = Logger.getLogger(ListenGuard.class.getName());

    private final BindRules bindRules;
    private final BypassStats stats;

    ListenGuard(BindRules bindRules, BypassStats stats) {
        this.bindRules = bindRules;
        this.stats = stats;
    }

    void listen(NotificationContext ctx) {
        ContainerSocket sock = SendGuard.fetch(ctx);
        if (sock == null) {
            return;
        }
        try (sock) {
            if (sock.isHostSocket() && !bindRules.isPublishedSocket(Sockets.cookie(sock.copy()))) {
                stats.refusedOnHostSocket();
                LOG.fine(() -> "bypass: " + sock + ": listen refused: a host socket bound for no published port");
                Answers.result(ctx, -Errno.EPERM);
                return;
            }
            if (sock.kind().family() == SockAddr.AF_UNIX) {
                // The SO_PEERCRED its clients read is taken at listen: the target's (AsTarget).
                AsTarget.call(TargetCredentials.of(ctx), () -> {
                    Sockets.listen(sock.copy(), (int) ctx.arg(1));
                    return null;
                });
            } else {
                Sockets.listen(sock.copy(), (int) ctx.arg(1));
            }
            Answers.result(ctx, 0);
        } catch (SyscallException e) {
            Answers.result(ctx, -e.errno());
        } catch (IOException e) {
            Answers.result(ctx, -Errno.EIO);
        }
    }
}
