package io.jnerd.netns.slirp;

import io.jnerd.netns.NetnsTarget;
import io.jnerd.netns.NetworkAttachment;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link Slirp4netnsLifetimeTest} in a child JVM: attaches slirp4netns to the netns of
 * pid {@code args[1]} with state dir {@code args[0]}, prints the driver's pid and waits to be
 * killed (never closing the attachment).
 */
public final class AttachAndWaitMain {

    public static void main(String[] args) throws Exception {
        NetworkAttachment attachment = new Slirp4netnsDriver(Path.of(args[0]))
                .attach(NetnsTarget.ofPid(Long.parseLong(args[1])), List.of());
        System.out.println(attachment.driverPid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
