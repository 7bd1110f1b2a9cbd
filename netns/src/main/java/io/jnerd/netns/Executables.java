package io.jnerd.netns;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds helper programs on {@code PATH} (plus the sbin directories, which a user's PATH may lack). */
public final class Executables {

    private Executables() {}

    public static Optional<Path> find(String name) {
        if (name.indexOf('/') >= 0) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** @throws NetworkSetupException "NAME not found in PATH: install it (Debian: apt-get install PACKAGE)" */
    public static Path require(String name, String debianPackage) throws NetworkSetupException {
        return find(name).orElseThrow(() -> new NetworkSetupException(
                name + " not found in PATH: install it (Debian: apt-get install " + debianPackage + ")"));
    }
}
