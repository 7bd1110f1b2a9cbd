/**
 * The only code in jnerd that calls native code.
 *
 * <p>Every kernel call jnerd needs is a Linux system call, so the whole native surface is
 * libc's {@code syscall(2)} plus errno capture ({@link io.jnerd.nativebindings.spi.SyscallBackend}).
 * On top of it sit small final classes, one per syscall family, each method a few lines:
 * call, check, retry on EINTR where restartable, throw {@link io.jnerd.nativebindings.SyscallException}.
 * Structs live in {@link io.jnerd.nativebindings.NativeBuffer}s (direct, native order); hot
 * calls use per-thread scratch buffers instead of allocating.
 *
 * <p>Families: {@code Seccomp} and {@code Prctl} (filters), {@code SeccompNotify} (the
 * user-notification ioctls), {@code Pidfd}, {@code Sockets} with the pure {@code SockAddr}
 * codec, {@code ScmRights}, {@code ProcessMemory}, {@code Poll}, {@code Epoll} and
 * {@code EventFd} (waiting), {@code Namespaces} (helper processes only), {@code MountApi};
 * {@code KernelFeatures} says which of them the running kernel supports, and why.
 * Nothing native (no {@code MemorySegment}, no jnr {@code Pointer}, no raw address) leaves
 * this module: callers see ints, {@link io.jnerd.nativebindings.Fd}s and byte buffers.
 */
package io.jnerd.nativebindings;
