package io.jnerd.seccomp;

import io.jnerd.nativebindings.Arch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * System call names and numbers for x86_64 and aarch64 (resource {@code syscalls.txt}).
 * A name may exist on one architecture only (arch_prctl, renameat) or on none that jnerd
 * compiles filters for (chown32, arm_fadvise64_64): profiles name such syscalls for their
 * 32-bit or foreign architectures, and a filter skips them like libseccomp does.
 */
public final class SyscallTable {

    private static final SyscallTable INSTANCE = load("syscalls.txt");

    private final Map<String, int[]> numbersByName;
    private final Map<Arch, Map<Integer, String>> namesByNumber;
    /** The same names indexed by arch ordinal, then number: {@link #name} runs per seccomp notification. */
    private final String[][] nameArrays;

    private SyscallTable(Map<String, int[]> numbersByName) {
        this.numbersByName = numbersByName;
        this.namesByNumber = new EnumMap<>(Arch.class);
        this.nameArrays = new String[Arch.values().length][];
        for (Arch arch : Arch.values()) {
            TreeMap<Integer, String> names = new TreeMap<>();
            numbersByName.forEach((name, nrs) -> {
                if (nrs[arch.ordinal()] >= 0) {
                    names.put(nrs[arch.ordinal()], name);
                }
            });
            namesByNumber.put(arch, Collections.unmodifiableMap(names));
            String[] array = new String[names.isEmpty() ? 0 : names.lastKey() + 1];
            names.forEach((nr, name) -> array[nr] = name);
            nameArrays[arch.ordinal()] = array;
        }
    }

    public static SyscallTable get() {
        return INSTANCE;
    }

    /** Whether any architecture has a syscall of this name. */
    public boolean isKnown(String name) {
        return numbersByName.containsKey(name);
    }

    /** The number of {@code name} on {@code arch}; empty if that architecture lacks it. */
    public OptionalInt number(Arch arch, String name) {
        int[] nrs = numbersByName.get(name);
        return nrs == null || nrs[arch.ordinal()] < 0 ? OptionalInt.empty() : OptionalInt.of(nrs[arch.ordinal()]);
    }

    /** The name of syscall {@code nr} on {@code arch}, or "syscall NR" if the table lacks it. */
    public String name(Arch arch, int nr) {
        String[] names = nameArrays[arch.ordinal()];
        String n = nr >= 0 && nr < names.length ? names[nr] : null;
        return n != null ? n : "syscall " + nr;
    }

    /** Every number of {@code arch}, ascending, with its name. */
    public Map<Integer, String> numbers(Arch arch) {
        return namesByNumber.get(arch);
    }

    private static SyscallTable load(String resource) {
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the jnerd-seccomp jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, int[]> byName = new HashMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length != 3) {
                    throw new IllegalStateException(resource + ": expected 'name x86_64 aarch64', got: " + line);
                }
                int[] nrs = new int[Arch.values().length];
                nrs[Arch.X86_64.ordinal()] = parse(f[1]);
                nrs[Arch.AARCH64.ordinal()] = parse(f[2]);
                byName.put(f[0], nrs);
            }
            return new SyscallTable(Collections.unmodifiableMap(byName));
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + resource, e);
        }
    }

    private static int parse(String field) {
        return "-".equals(field) ? -1 : Integer.parseInt(field);
    }
}
