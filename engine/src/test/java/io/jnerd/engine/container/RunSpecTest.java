package io.jnerd.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnerd.engine.JnerdException;
import io.jnerd.mounts.MountPlan;
import io.jnerd.seccomp.profile.DefaultProfile;
import io.jnerd.seccomp.profile.ProfileJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decisions a RunSpec's builder makes for every front door alike. */
class RunSpecTest {
    @Test
    void defaultsAreJnerdsProfileRuncAndNoMounts() {
        RunSpec run = RunSpec.builder("img").build();
        assertEquals(Optional.of(DefaultProfile.get()), run.seccomp(), "confined unless asked otherwise");
        assertTrue(run.noNewPrivileges());
        assertEquals(RunSpec.RUNC_V2, run.runtime());
        assertEquals(Optional.empty(), run.runtimeBinary());
        assertEquals(MountPlan.EMPTY, run.volumes());
        assertEquals(RunSpec.PullPolicy.MISSING, run.pull());
    }

    @Test
    void theProfileIsResolvedForTheContainersCapabilities() {
        String plain = ProfileJson.toJson(RunSpec.builder("img").build().seccomp().orElseThrow());
        String ptrace = ProfileJson.toJson(RunSpec.builder("img").capabilities(List.of("SYS_PTRACE"), List.of()).build()
                .seccomp().orElseThrow());
        assertFalse(plain.contains("\"kcmp\""), "docker allows kcmp only with CAP_SYS_PTRACE");
        assertTrue(ptrace.contains("\"kcmp\""));
        assertEquals(Optional.empty(), RunSpec.builder("img").seccomp(Optional.empty()).build().seccomp());
    }

    @Test
    void runtimesAsDockerAndNerdctlName() {
        assertEquals(Optional.of("crun"), RunSpec.builder("img").runtime("crun").build().runtimeBinary());
        RunSpec path = RunSpec.builder("img").runtime("/opt/bin/runsc").build();
        assertEquals(RunSpec.RUNC_V2, path.runtime());
        assertEquals(Optional.of("/opt/bin/runsc"), path.runtimeBinary());
        RunSpec other = RunSpec.builder("img").runtime("io.containerd.kata.v2").build();
        assertEquals("io.containerd.kata.v2", other.runtime());
        assertEquals(Optional.empty(), other.runtimeBinary());
        JnerdException e = assertThrows(JnerdException.class, () -> RunSpec.builder("img").runtime("gvisor").build());
        assertEquals("unknown runtime 'gvisor' (io.containerd.runc.v2, runc, crun, or a path)", e.getMessage());
    }

    @Test
    void badSettingsAreOneLineWhenBuilt() {
        for (RunSpec.Builder bad : List.of(RunSpec.builder(""), RunSpec.builder("img").env("NOVALUE"),
                RunSpec.builder("img").workdir("relative"),
                RunSpec.builder("img").capabilities(List.of("CAP_FLY"), List.of()))) {
            JnerdException e = assertThrows(JnerdException.class, bad::build);
            assertEquals(125, e.exitCode());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(JnerdException.class, () -> RunSpec.PullPolicy.parse("sometimes"));
        assertEquals(RunSpec.PullPolicy.NEVER, RunSpec.PullPolicy.parse("never"));
    }

    @Test
    void whatItHoldsCannotChangeAfterwards() {
        List<String> command = new ArrayList<>(List.of("sh"));
        RunSpec run = RunSpec.builder("img").command(command).build();
        command.add("-c");
        assertEquals(List.of("sh"), run.command());
        assertThrows(UnsupportedOperationException.class, () -> run.labels().put("k", "v"));
    }
}
