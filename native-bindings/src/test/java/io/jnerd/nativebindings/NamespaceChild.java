package io.jnerd.nativebindings;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of {@link NamespacesTest}: moves its main thread into a new network namespace
 * (never done in the test JVM) and prints the thread's netns link before and after.
 */
public final class NamespaceChild {

    private NamespaceChild() {}

    public static void main(String[] args) throws Exception {
        Path self = Path.of("/proc/thread-self/ns/net");
        String before = Files.readSymbolicLink(self).toString();
        Namespaces.unshare(Namespaces.CLONE_NEWNET);
        System.out.println(before + " " + Files.readSymbolicLink(self));
    }
}
