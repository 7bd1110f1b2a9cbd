package io.jnerd.netns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * slirp4netns and pasta open {@code /dev/net/tun} as the calling user. Some images ship it
 * mode 0600, which fails deep inside the driver with a bare EACCES; this check says what to
 * do before the driver starts.
 */
public final class TunDevice {

    public static final Path PATH = Path.of("/dev/net/tun");

    private TunDevice() {}

    /** @throws NetworkSetupException naming the uid, the mode and the fix */
    public static void requireUsable() throws NetworkSetupException {
        requireUsable(PATH);
    }

    static void requireUsable(Path device) throws NetworkSetupException {
        // Opening the clone device without TUNSETIFF creates nothing; the open alone checks access.
        try {
            FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
        } catch (NoSuchFileException e) {
            throw new NetworkSetupException(device + " does not exist: load the tun module (modprobe tun)");
        } catch (AccessDeniedException e) {
            throw new NetworkSetupException(unusableMessage(device, uid(), mode(device)));
        } catch (IOException e) {
            throw new NetworkSetupException(device + " cannot be opened: " + e.getMessage(), e);
        }
    }

    static String unusableMessage(Path device, int uid, String mode) {
        return device + " is not usable by uid " + uid + " (mode " + mode + "): run as root: chmod 0666 " + device;
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return -1;
        }
    }

    private static String mode(Path device) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(device);
            int mode = 0;
            for (PosixFilePermission p : perms) {
                mode |= 1 << (8 - p.ordinal());
            }
            return String.format("%04o", mode);
        } catch (IOException e) {
            return "unknown";
        }
    }
}
