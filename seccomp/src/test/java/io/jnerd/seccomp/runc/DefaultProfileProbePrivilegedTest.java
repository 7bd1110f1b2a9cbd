package io.jnerd.seccomp.runc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.nativebindings.Arch;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Processes;
import io.jnerd.seccomp.SyscallTable;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.NotifyTranslator;
import io.jnerd.seccomp.profile.OciNames;
import io.jnerd.seccomp.profile.ProfileContext;
import io.jnerd.seccomp.profile.SeccompProfile;
import io.jnerd.seccomp.profile.SyscallEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jnerd's default profile as deployed: translated to OCI and loaded by real runc (with its
 * libseccomp) around a static probe that calls syscalls by number and prints each errno. The
 * answer expected of each call is the one Docker's default profile (moby profiles
 * seccomp/v0.2.3, docker 29.7.2) gives, stated per call below.
 *
 * <p>One thing is the runtime's, not the profile's: runc can only filter a syscall its
 * libseccomp can name, and answers ENOSYS above the highest number it could name from the
 * profile. libseccomp 2.5.4 as Debian 12 ships it knows the names up to futex_requeue (456)
 * but not statmount, listmount, mseal or the *xattrat calls, so under runc 1.1.5 docker's
 * own profile gives ENOSYS for them too. The test asks runc which names it can filter (a
 * container whose profile answers each with an errno of its own) and expects accordingly.
 */
@Tag("privileged")
class DefaultProfileProbePrivilegedTest {

    /** What Docker's profile does with a call. */
    enum Docker {
        /** The kernel runs it: any errno but EPERM and ENOSYS. */
        ALLOWS,
        /** EPERM (ENOSYS if the number is above every syscall the runtime could name). */
        REFUSES,
        /** The profile's own ENOSYS (clone3 without CAP_SYS_ADMIN). */
        ENOSYS
    }

    /** One probe call: {@code syscall} by name, or a bare number when it is null. */
    record Call(String label, String syscall, int number, Docker docker, long... args) {

        static Call of(String syscall, Docker docker, long... args) {
            return labelled(syscall, syscall, docker, args);
        }

        static Call labelled(String label, String syscall, Docker docker, long... args) {
            int nr = SyscallTable.get().number(NATIVE, syscall).orElseThrow(() ->
                    new AssertionError(syscall + " has no number on " + NATIVE.kernelName()));
            return new Call(label, syscall, nr, docker, args);
        }

        String probeArgument() {
            StringBuilder b = new StringBuilder(label).append('=').append(number);
            for (long a : args) {
                b.append(',').append(a);
            }
            return b.toString();
        }
    }

    private static final Arch NATIVE = Arch.current();
    private static final long AF_INET = 2;
    private static final long AF_ALG = 38;
    private static final long AF_NFC = 39;
    private static final long AF_VSOCK = 40;
    private static final long HIGH_WORD = 0x1_0000_0000L;
    private static final long SOCK_STREAM = 1;
    private static final long SOCK_SEQPACKET = 5;
    /** CLONE_NEWNS with CLONE_FS: the kernel refuses the pair (EINVAL) if the filter lets it through. */
    private static final long CLONE_NEWNS_FS = 0x00020000L | 0x00000200L | 17;
    /** A number above every syscall of every kernel so far. */
    private static final int PAST_EVERY_SYSCALL = 1000;

    /**
     * The names Docker's profile allows numbered from futex_waitv (449) up, on x86_64 and
     * aarch64 alike, and the lsm_* calls it allows with CAP_SYS_ADMIN: the highest of them the
     * runtime can name is where its ENOSYS begins.
     */
    private static final List<String> DOCKER_HIGHEST = List.of("futex_waitv", "cachestat", "fchmodat2",
            "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue", "statmount", "listmount", "mseal",
            "setxattrat", "getxattrat", "listxattrat", "removexattrat");
    private static final List<String> DOCKER_HIGHEST_WITH_SYS_ADMIN = List.of("lsm_get_self_attr",
            "lsm_set_self_attr", "lsm_list_modules");
    /** Errnos the runtime-oracle rules answer with, one per name: 3000 + its index. */
    private static final int MARKER = 3000;

    @TempDir
    static Path dir;

    private static RuncBundle runc;
    /** The names of {@link #DOCKER_HIGHEST} and {@link #DOCKER_HIGHEST_WITH_SYS_ADMIN} runc can filter. */
    private static Set<String> runtimeNames;

    @BeforeAll
    static void buildProbe() throws Exception {
        Assumptions.assumeTrue(Processes.getuid() == 0, "runc needs root to create containers");
        Assumptions.assumeTrue(Files.isExecutable(RuncBundle.BUSYBOX), "busybox-static is not installed");
        Assumptions.assumeTrue(onPath("runc"), "runc is not installed");
        Assumptions.assumeTrue(onPath("gcc"), "gcc is not installed (the probe is built by the test)");
        Assumptions.assumeTrue(ProfileContext.defaults().kernelAtLeast("6.13"),
                "the probe calls syscalls of Linux 6.13 (the *xattrat calls); this kernel is "
                        + System.getProperty("os.version"));
        Path source = dir.resolve("syscall-probe.c");
        try (InputStream in = DefaultProfileProbePrivilegedTest.class.getResourceAsStream("syscall-probe.c")) {
            Files.copy(in, source);
        }
        Path probe = dir.resolve("syscall-probe");
        Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-Wall", "-o", probe.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS), "gcc did not finish");
        assertEquals(0, gcc.exitValue(), "gcc -static (libc6-dev) failed: " + out);
        runc = new RuncBundle(dir.resolve("bundle"));
        runc.install(probe);
        runtimeNames = namesTheRuntimeCanFilter();
    }

    @Test
    void theDefaultProfileAnswersEachCallAsDockersDoes() throws Exception {
        List<Call> calls = List.of(
                // io_uring's submissions run without passing seccomp: refused since Docker 25.
                Call.of("io_uring_setup", Docker.REFUSES, 0, 0),
                Call.of("io_uring_enter", Docker.REFUSES, -1, 0, 0, 0, 0, 0),
                Call.of("io_uring_register", Docker.REFUSES, -1, 0, 0, 0),
                // CVE-2026-31431: AF_ALG refused since Docker 29.4.2; AF_VSOCK always.
                Call.labelled("socket(AF_ALG)", "socket", Docker.REFUSES, AF_ALG, SOCK_SEQPACKET, 0),
                Call.labelled("socket(AF_VSOCK)", "socket", Docker.REFUSES, AF_VSOCK, SOCK_STREAM, 0),
                // The kernel reads the domain as an int. Docker's 64-bit "domain > 40" lets these
                // through (runc 1.1.5 opened the AF_VSOCK one); jnerd refuses them as docker means to.
                Call.labelled("socket(AF_ALG|1<<32)", "socket", Docker.REFUSES,
                        HIGH_WORD | AF_ALG, SOCK_SEQPACKET, 0),
                Call.labelled("socket(AF_VSOCK|1<<32)", "socket", Docker.REFUSES,
                        HIGH_WORD | AF_VSOCK, SOCK_STREAM, 0),
                Call.labelled("socket(AF_INET)", "socket", Docker.ALLOWS, AF_INET, SOCK_STREAM, 0),
                Call.labelled("socket(AF_NFC)", "socket", Docker.ALLOWS, AF_NFC, SOCK_SEQPACKET, 0),
                // Linux 6.5 to 6.13, allowed by Docker 29 (EBADF, EFAULT or EINVAL from the kernel).
                // Not map_shadow_stack: a kernel built without user shadow stacks answers ENOSYS itself.
                Call.of("cachestat", Docker.ALLOWS, -1, 0, 0, 0),
                Call.of("fchmodat2", Docker.ALLOWS, -1, 0, 0, 0),
                Call.of("futex_wake", Docker.ALLOWS, 0, 0, 1, 0),
                Call.of("futex_wait", Docker.ALLOWS, 0, 0, 0, 0, 0, 0),
                Call.of("futex_requeue", Docker.ALLOWS, 0, 0, 0, 0),
                Call.of("statmount", Docker.ALLOWS, 0, 0, 0, 0),
                Call.of("listmount", Docker.ALLOWS, 0, 0, 0, 0),
                Call.of("mseal", Docker.ALLOWS, 0, 0, 1),
                Call.of("setxattrat", Docker.ALLOWS, -1, 0, 0, 0, 0, 0),
                Call.of("getxattrat", Docker.ALLOWS, -1, 0, 0, 0, 0, 0),
                Call.of("listxattrat", Docker.ALLOWS, -1, 0, 0, 0, 0),
                Call.of("removexattrat", Docker.ALLOWS, -1, 0, 0, 0),
                // Numbered past futex_waitv (449), the highest syscall Docker 24's profile names:
                // refused with EPERM, not ENOSYS, as long as the runtime names a higher one.
                Call.of("set_mempolicy_home_node", Docker.REFUSES, 0, 0, 0, 0),
                Call.of("lsm_list_modules", Docker.REFUSES, 0, 0, 0),
                // Past every syscall the profile names: the runtime's ENOSYS, under Docker too.
                new Call("syscall " + PAST_EVERY_SYSCALL, null, PAST_EVERY_SYSCALL, Docker.REFUSES),
                Call.of("kcmp", Docker.REFUSES, 0, 0, 0, 0, 0),
                Call.of("clone3", Docker.ENOSYS, 0, 0),
                Call.labelled("clone(CLONE_NEWNS)", "clone", Docker.REFUSES, CLONE_NEWNS_FS, 0, 0, 0, 0),
                Call.labelled("personality(0xffffffff)", "personality", Docker.ALLOWS, 0xFFFF_FFFFL),
                Call.labelled("personality(0x1234)", "personality", Docker.REFUSES, 0x1234));
        probe(DefaultProfile.get(), ProfileContext.DEFAULT_CAPABILITIES, DOCKER_HIGHEST, calls);
    }

    @Test
    void capAddWidensTheProfileAsDockersConditionsDo() throws Exception {
        Set<String> caps = new HashSet<>(ProfileContext.DEFAULT_CAPABILITIES);
        caps.add("CAP_SYS_PTRACE");
        caps.add("CAP_SYS_ADMIN");
        List<Call> calls = List.of(
                Call.of("kcmp", Docker.ALLOWS, 0, 0, 0, 0, 0),
                Call.of("pidfd_getfd", Docker.ALLOWS, -1, -1, 0),
                Call.of("mount", Docker.ALLOWS, 0, 0, 0, 0, 0),
                Call.of("clone3", Docker.ALLOWS, 0, 0),
                Call.labelled("clone(CLONE_NEWNS)", "clone", Docker.ALLOWS, CLONE_NEWNS_FS, 0, 0, 0, 0),
                Call.of("lsm_list_modules", Docker.ALLOWS, 0, 0, 0),
                Call.of("set_mempolicy_home_node", Docker.REFUSES, 0, 0, 0, 0),
                Call.of("io_uring_setup", Docker.REFUSES, 0, 0),
                Call.labelled("socket(AF_ALG)", "socket", Docker.REFUSES, AF_ALG, SOCK_SEQPACKET, 0));
        List<String> named = new ArrayList<>(DOCKER_HIGHEST);
        named.addAll(DOCKER_HIGHEST_WITH_SYS_ADMIN);
        probe(DefaultProfile.get(ProfileContext.forCapabilities(caps)), caps, named, calls);
    }

    /** Runs every call in one container and compares each errno with Docker's answer; reports all mismatches. */
    private static void probe(SeccompProfile profile, Set<String> caps, List<String> dockerNamed, List<Call> calls)
            throws IOException, InterruptedException {
        int highest = dockerNamed.stream().filter(runtimeNames::contains)
                .mapToInt(n -> SyscallTable.get().number(NATIVE, n).orElseThrow()).max().orElseThrow();
        Map<String, Integer> got = run(profile, caps, calls);
        List<String> wrong = new ArrayList<>();
        for (Call c : calls) {
            Integer errno = got.get(c.label());
            int beyond = c.number() > highest ? Errno.ENOSYS : Errno.EPERM;
            String want;
            boolean ok;
            if (c.docker() == Docker.ALLOWS && runtimeCanName(c.syscall())) {
                want = "allowed (neither EPERM nor ENOSYS)";
                ok = errno != null && errno != Errno.EPERM && errno != Errno.ENOSYS;
            } else {
                int w = c.docker() == Docker.ENOSYS ? Errno.ENOSYS : beyond;
                want = name(w) + (c.docker() == Docker.ALLOWS
                        ? " (runc's libseccomp cannot name " + c.syscall() + ")" : "");
                ok = errno != null && errno == w;
            }
            if (!ok) {
                wrong.add(c.label() + ": " + (errno == null ? "no answer" : name(errno))
                        + ", Docker's profile gives " + want);
            }
        }
        assertTrue(wrong.isEmpty(), "under runc, highest syscall it can name " + highest + ":\n  "
                + String.join("\n  ", wrong));
    }

    /** Whether runc can filter {@code syscall}: every libseccomp it runs with names those older than futex_waitv. */
    private static boolean runtimeCanName(String syscall) {
        return !(DOCKER_HIGHEST.contains(syscall) || DOCKER_HIGHEST_WITH_SYS_ADMIN.contains(syscall))
                || runtimeNames.contains(syscall);
    }

    /**
     * Asks runc which names of Docker's newest syscalls it can filter: a container whose
     * profile answers each of them with an errno of its own (3000 + index); a name runc
     * cannot resolve gets the default answer instead.
     */
    private static Set<String> namesTheRuntimeCanFilter() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>(DOCKER_HIGHEST);
        names.addAll(DOCKER_HIGHEST_WITH_SYS_ADMIN);
        SeccompProfile profile = DefaultProfile.get();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            profile = NotifyTranslator.withSoleRule(profile, new SyscallEntry(List.of(names.get(i)),
                    OciNames.ACT_ERRNO, MARKER + i, List.of(), null, null, null));
            calls.add(Call.of(names.get(i), Docker.REFUSES));
        }
        Map<String, Integer> got = run(profile, ProfileContext.DEFAULT_CAPABILITIES, calls);
        Set<String> known = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (Integer.valueOf(MARKER + i).equals(got.get(names.get(i)))) {
                known.add(names.get(i));
            }
        }
        assertTrue(known.contains("futex_waitv"), "runc's libseccomp names no syscall of Linux 5.16 or later: " + got);
        return known;
    }

    private static Map<String, Integer> run(SeccompProfile profile, Set<String> caps, List<Call> calls)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/bin/syscall-probe"));
        calls.forEach(c -> argv.add(c.probeArgument()));
        RuncBundle.Result r = runc.run(profile, caps, argv.toArray(String[]::new));
        assertEquals(0, r.exitCode(), "runc run: " + r.output());
        Map<String, Integer> errnos = new HashMap<>();
        for (String line : r.output().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space > 0) {
                errnos.put(line.substring(0, space), Integer.parseInt(line.substring(space + 1)));
            }
        }
        return errnos;
    }

    private static String name(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "EPERM";
            case Errno.ENOSYS -> "ENOSYS";
            default -> "errno " + errno;
        };
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
