package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies the {@link CopiedOption}s from the container's socket to the host socket. */
final class OptionCopier {

    private OptionCopier() {}

    /**
     * Sets on {@code host} every option of {@code kind} whose value differs from the
     * container socket's.
     *
     * @return one line per option that could not be copied (empty when all were)
     */
    static List<String> copy(Fd container, Fd host, SocketKind kind) {
        List<String> failed = new ArrayList<>();
        for (CopiedOption o : CopiedOption.forKind(kind)) {
            try {
                byte[] want = Sockets.getOption(container, o.level(), o.optionName(), o.size());
                byte[] have = Sockets.getOption(host, o.level(), o.optionName(), o.size());
                if (!Arrays.equals(want, have)) {
                    Sockets.setOption(host, o.level(), o.optionName(), o.valueToSet(want));
                }
            } catch (SyscallException e) {
                failed.add(o + ": " + e.getMessage());
            }
        }
        return failed;
    }
}
