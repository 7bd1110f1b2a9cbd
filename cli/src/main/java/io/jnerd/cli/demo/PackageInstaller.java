package io.jnerd.cli.demo;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.rootless.HostCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the Debian packages of bin/deb-packages (packed into the jar) that are missing.
 * apt-get runs only when something is missing, so a prepared machine needs no network.
 */
final class PackageInstaller {
    static final String LIST = "/io/jnerd/cli/demo/deb-packages";

    private PackageInstaller() {}

    static void installMissing(PrintStream out) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String p : packages()) {
            if (!installed(p)) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        out.println("installing " + String.join(" ", missing));
        HostCommands.run(List.of("apt-get", "update", "-q"));
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        install.addAll(missing);
        HostCommands.run(install);
    }

    static List<String> packages() throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = PackageInstaller.class.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new JnerdException("the package list " + LIST + " is missing from the jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean installed(String name) throws IOException, InterruptedException {
        HostCommands.Result r = HostCommands.capture(List.of("dpkg-query", "-W", "-f=${Status}", name));
        return r.status() == 0 && r.output().contains("install ok installed");
    }
}
