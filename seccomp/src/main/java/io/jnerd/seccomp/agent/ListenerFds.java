package io.jnerd.seccomp.agent;

import io.jnerd.nativebindings.Fd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What kind of file an fd handed to the agent is: a seccomp listener or something else. */
public final class ListenerFds {

    /** What /proc/self/fd shows for a seccomp listener: anon_inode_getfile("seccomp notify"). */
    private static final String LISTENER_LINK = "anon_inode:seccomp notify";

    private ListenerFds() {}

    /** Whether {@code fd} is a seccomp notification listener. */
    public static boolean isListener(Fd fd) {
        return LISTENER_LINK.equals(kindOf(fd));
    }

    /** The fd's /proc/self/fd link ("socket:[123]", "anon_inode:seccomp notify", a path). */
    static String kindOf(Fd fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd.get()))).toString();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
