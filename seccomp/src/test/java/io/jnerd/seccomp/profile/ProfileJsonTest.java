package io.jnerd.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileJsonTest {

    private static final String DOCKER_STYLE = "{\n"
            + "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
            + "  \"defaultErrnoRet\": 1,\n"
            + "  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"] },\n"
            + "               { \"architecture\": \"SCMP_ARCH_RISCV64\", \"subArchitectures\": null } ],\n"
            + "  \"syscalls\": [\n"
            + "    { \"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\" },\n"
            + "    { \"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
            + "      \"args\": [ { \"index\": 0, \"value\": 18446744073709551615, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\" } ] },\n"
            + "    { \"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"admin\",\n"
            + "      \"includes\": { \"caps\": [\"CAP_SYS_ADMIN\"], \"minKernel\": \"4.8\" },\n"
            + "      \"excludes\": { \"arches\": [\"s390x\"] } }\n"
            + "  ]\n"
            + "}\n";

    @Test
    void readsDockerStyleProfilesWithUnsigned64BitValues() {
        SeccompProfile p = ProfileJson.parse(DOCKER_STYLE);
        assertEquals("SCMP_ACT_ERRNO", p.defaultAction());
        assertEquals(1, p.defaultErrnoRet());
        assertEquals(List.of("SCMP_ARCH_X86"), p.archMap().get(0).subArchitectures());
        assertEquals(List.of(), p.archMap().get(1).subArchitectures());
        ArgRule a = p.syscalls().get(1).args().get(0);
        assertEquals(-1L, a.value(), "uint64 max is all ones");
        assertEquals(List.of("CAP_SYS_ADMIN"), p.syscalls().get(2).includes().caps());
        assertEquals("4.8", p.syscalls().get(2).includes().minKernel());
        assertEquals(List.of("s390x"), p.syscalls().get(2).excludes().arches());
    }

    @Test
    void writesWhatItReads() {
        SeccompProfile p = ProfileJson.parse(DOCKER_STYLE)
                .withListener("/run/agent.sock", "meta")
                .withArchitectures(List.of("SCMP_ARCH_X86_64"));
        String json = ProfileJson.toJson(p);
        assertTrue(json.contains("18446744073709551615"), json);
        assertTrue(json.contains("\"index\" : 0"), "index 0 is written: " + json);
        assertFalse(json.contains("valueTwo"), "zero valueTwo omitted as runc does: " + json);
        assertEquals(p, ProfileJson.parse(json));
        assertEquals("/run/agent.sock", ProfileJson.toTree(p).get("listenerPath").asText());
    }

    @Test
    void unknownFieldsAndBrokenJsonAreOneLineErrorsWithThePosition() {
        InvalidProfileException e = assertThrows(InvalidProfileException.class,
                () -> ProfileJson.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\n\"errnoret\": 1}"));
        assertTrue(e.getMessage().contains("unknown field \"errnoret\"") && e.getMessage().contains("line 2"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(InvalidProfileException.class, () -> ProfileJson.parse("{\"defaultAction\": "));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(InvalidProfileException.class, () -> ProfileJson.parse(
                "{\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                        + "\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}"));
        assertTrue(e.getMessage().contains("unsigned 64-bit"), e.getMessage());
    }
}
