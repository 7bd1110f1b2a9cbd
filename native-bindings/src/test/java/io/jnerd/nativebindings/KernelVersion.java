package io.jnerd.nativebindings;

/** The running kernel's version, from os.version ("6.18.44-fc"), for tests that need one. */
final class KernelVersion {

    private KernelVersion() {}

    static String current() {
        return System.getProperty("os.version");
    }

    static boolean atLeast(int major, int minor) {
        String[] parts = current().split("[.-]");
        int ma = Integer.parseInt(parts[0]);
        int mi = Integer.parseInt(parts[1]);
        return ma > major || (ma == major && mi >= minor);
    }
}
