package io.jnerd.nativebindings;

/** ioctl request numbers (asm-generic/ioctls.h; x86_64 and aarch64 share them). */
public final class Ioctls {

    /** Get a terminal's struct termios: ENOTTY on anything that is no terminal. */
    public static final long TCGETS = 0x5401;

    private Ioctls() {}
}
