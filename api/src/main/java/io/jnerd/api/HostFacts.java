package io.jnerd.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code /version} and {@code /info} say about the host, read once from /proc and /etc. */
public record HostFacts(String kernelVersion, String operatingSystem, String osVersion, String architecture,
        String hostname, int cpus, long memTotal) {

    public static HostFacts read() {
        return new HostFacts(firstLine(Path.of("/proc/sys/kernel/osrelease")), osRelease("PRETTY_NAME", "Linux"),
                osRelease("VERSION_ID", ""), goArch(System.getProperty("os.arch")),
                firstLine(Path.of("/proc/sys/kernel/hostname")), Runtime.getRuntime().availableProcessors(),
                readMemTotal());
    }

    /** Go's GOARCH names, which docker clients print and compare. */
    static String goArch(String javaArch) {
        switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return "amd64";
            case "aarch64":
                return "arm64";
            default:
                return javaArch;
        }
    }

    private static String firstLine(Path p) {
        try {
            return Files.readAllLines(p).stream().findFirst().orElse("").trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String osRelease(String key, String fallback) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1).replaceAll("^\"|\"$", "");
                }
            }
        } catch (IOException e) {
            // no os-release: say Linux
        }
        return fallback;
    }

    private static long readMemTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }
}
