package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.registry.RegistryClient;
import io.jnerd.engine.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of the commands that talk to a registry (pull, push). */
public final class RegistryOptions {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "talk plain HTTP to this registry (loopback registries always are)")
    List<String> insecure = new ArrayList<>();

    RegistryClient clientFor(ImageRef ref, Terminal terminal) throws RegistryException {
        return RegistryClient.forImage(ref, insecure, terminal.env());
    }
}
