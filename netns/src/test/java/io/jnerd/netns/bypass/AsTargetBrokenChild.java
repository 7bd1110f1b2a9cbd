package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.nativebindings.ThreadCredentials;
import java.util.List;

/**
 * A JVM of its own for {@link AsTargetPrivilegedTest}: a call that gives up the switching
 * thread's saved uid 0 leaves it unable to switch back; the calls after must not run. Prints
 * what the call after it got, and whether it ran.
 */
final class AsTargetBrokenChild {

    private AsTargetBrokenChild() {}

    public static void main(String[] args) throws Exception {
        TargetCredentials wwwData = TargetCredentials.parse(List.of("Uid:\t33\t33\t33\t33", "Gid:\t33\t33\t33\t33",
                "Groups:\t", "CapEff:\t0000000000000000"), "test");
        // All three 33: no way back to 0 for this thread.
        AsTarget.call(wwwData, () -> {
            ThreadCredentials.setresuid(33, 33, 33);
            return null;
        });
        boolean[] ran = new boolean[1];
        try {
            AsTarget.call(wwwData, () -> ran[0] = true);
            System.out.println("answered ran=" + ran[0]);
        } catch (SyscallException e) {
            System.out.println("errno " + Errno.name(e.errno()) + " ran=" + ran[0]);
        }
    }
}
