package io.jnerd.mounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTranslatorTest {

    private static final HelperCommand HELPER = new HelperCommand("/usr/bin/java", "/opt/jnerd/jnerd.jar");
    private static final RuntimeCapabilities WITH_RRO = new RuntimeCapabilities("runc",
            Set.of("rbind", "ro", "rro", "rnosuid"), "runc features lists rro");
    private static final RuntimeCapabilities WITHOUT_RRO = new RuntimeCapabilities("runc",
            Set.of("rbind", "ro"), "runc 1.0 has no features command: older than 1.1, no rro");

    /** Sources are "./src" in a temp dir, which the translator checks for existence. */
    @TempDir
    static Path cwd;

    @BeforeAll
    static void source() throws IOException {
        Files.createDirectories(cwd.resolve("src"));
    }

    private static List<MountRequest> requests(String... specs) {
        return Stream.of(specs)
                .map(s -> s.startsWith("type=") ? MountOptions.parseMount(s, cwd) : MountOptions.parseVolume(s, cwd))
                .collect(Collectors.toList());
    }

    private static String src() {
        return cwd.resolve("src").toString();
    }

    private static MountPlan plan(RuntimeCapabilities runtime, boolean kernel, String... specs) throws MountException {
        return new MountTranslator(runtime, kernel, HELPER).translate(requests(specs));
    }

    @Test
    void runtimeWithRroGetsRroInTheOptions() throws MountException {
        MountPlan p = plan(WITH_RRO, true, "./src:/a:ro", "./src:/b:rro",
                "type=bind,src=./src,dst=/c,readonly,bind-recursive=readonly,bind-propagation=rprivate");
        for (SpecMount m : p.mounts()) {
            assertEquals(List.of("rbind", "rprivate", "ro", "rro"), m.options(), m.toString());
            assertEquals("bind", m.type());
            assertEquals(src(), m.source());
        }
        assertEquals(List.of(), p.createContainerHooks());
        assertEquals(List.of(), p.warnings());
        assertEquals(src() + ":/a: rro made by the runtime (runc: runc features lists rro)", p.decisions().get(0));
        assertEquals("rro made by the runtime (runc: runc features lists rro)",
                new MountTranslator(WITH_RRO, true, HELPER).rroSupport());
    }

    @Test
    void runtimeWithoutRroGetsJnerdsHookForEveryRecursiveMount() throws MountException {
        MountPlan p = plan(WITHOUT_RRO, true, "./src:/a:ro", "./src:/b", "./src:/c:rro");
        assertEquals(List.of(new SpecMount("/a", "bind", src(), List.of("rbind", "rprivate", "ro")),
                new SpecMount("/b", "bind", src(), List.of("rbind", "rprivate")),
                new SpecMount("/c", "bind", src(), List.of("rbind", "rprivate", "ro"))), p.mounts());
        assertEquals(1, p.createContainerHooks().size());
        OciHook hook = p.createContainerHooks().get(0);
        assertEquals("/usr/bin/java", hook.path());
        assertEquals("/usr/bin/java", hook.args().get(0));
        assertEquals(List.of(RroHelper.class.getName(), "oci-hook", "--attrs", "rdonly", "/a", "/c"),
                hook.args().subList(hook.args().indexOf("/opt/jnerd/jnerd.jar") + 1, hook.args().size()));
        assertEquals(src() + ":/a: rro made by jnerd's createContainer hook"
                + " (runc: runc 1.0 has no features command: older than 1.1, no rro)", p.decisions().get(0));
    }

    @Test
    void nonRecursiveReadOnlyNeverGetsRro() throws MountException {
        MountPlan p = plan(WITH_RRO, true, "type=bind,src=./src,dst=/a,readonly,bind-recursive=writable",
                "./src:/b:ro,bind", "type=bind,src=./src,dst=/c,readonly,bind-recursive=disabled");
        assertEquals(List.of("rbind", "rprivate", "ro"), p.mounts().get(0).options());
        assertEquals(List.of("bind", "rprivate", "ro"), p.mounts().get(1).options());
        assertEquals(List.of("bind", "rprivate", "ro"), p.mounts().get(2).options());
        assertEquals(List.of(), p.decisions());
    }

    @Test
    void oldKernelFallsBackWithAWarningForRo() throws MountException {
        MountPlan p = plan(WITH_RRO, false, "./src:/a:ro,rslave");
        assertEquals(List.of("rbind", "rslave", "ro"), p.mounts().get(0).options());
        assertEquals(1, p.warnings().size());
        assertTrue(p.warnings().get(0).startsWith(src() + ":/a: read-only is not recursive, submounts stay writable: "),
                p.warnings().get(0));
        assertTrue(p.warnings().get(0).endsWith("recursive read-only requires Linux >= 5.12"), p.warnings().get(0));
        assertTrue(new MountTranslator(WITH_RRO, false, HELPER).rroSupport().startsWith("unavailable: this kernel"));
    }

    @Test
    void oldKernelFailsForcedRro() {
        MountException e = assertThrows(MountException.class, () -> plan(WITH_RRO, false, "./src:/a:rro"));
        assertTrue(e.getMessage().startsWith(src() + ":/a: this kernel (Linux "), e.getMessage());
        assertTrue(e.getMessage().endsWith(") has no mount_setattr: recursive read-only requires Linux >= 5.12"),
                e.getMessage());
    }

    @Test
    void tmpfsGetsDockersDefaultsSizeAndMode() throws MountException {
        MountPlan p = plan(WITH_RRO, true, "type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1777",
                "type=tmpfs,target=/ro,readonly");
        assertEquals(new SpecMount("/run", "tmpfs", "tmpfs",
                List.of("nosuid", "nodev", "noexec", "size=67108864", "mode=1777")), p.mounts().get(0));
        assertEquals(List.of("nosuid", "nodev", "noexec", "ro"), p.mounts().get(1).options());
    }

    @Test
    void ignoredOptionsBecomeWarnings() throws MountException {
        MountPlan p = plan(WITH_RRO, true, "./src:/a:z");
        assertEquals(List.of("-v ./src:/a:z: option z ignored: jnerd does not relabel for SELinux"), p.warnings());
    }

    @Test
    void aMissingBindSourceIsOneLine() {
        MountException e = assertThrows(MountException.class, () -> plan(WITH_RRO, true, "./missing:/a"));
        assertEquals(cwd.resolve("missing") + ":/a: bind source path does not exist", e.getMessage());
    }
}
