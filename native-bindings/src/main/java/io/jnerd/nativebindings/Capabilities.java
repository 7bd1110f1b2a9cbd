package io.jnerd.nativebindings;

/**
 * Capability numbers (linux/capability.h), the bit positions of the CapEff/CapPrm/... masks
 * in /proc/PID/status. The same on every architecture.
 */
public final class Capabilities {

    public static final int CAP_DAC_OVERRIDE = 1;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    private Capabilities() {}
}
