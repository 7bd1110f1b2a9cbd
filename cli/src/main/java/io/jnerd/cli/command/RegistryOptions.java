package io.jnerd.cli.command;

import io.jnerd.cli.Terminal;
import io.jnerd.cli.image.ImageRef;
import io.jnerd.cli.registry.DockerConfig;
import io.jnerd.cli.registry.RegistryClient;
import io.jnerd.cli.registry.RegistryEndpoint;
import io.jnerd.cli.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of the commands that talk to a registry (pull, push). */
public final class RegistryOptions {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "talk plain HTTP to this registry (loopback registries always are)")
    List<String> insecure = new ArrayList<>();

    RegistryClient clientFor(ImageRef ref, Terminal terminal) throws RegistryException {
        return client(ref, insecure, terminal.env());
    }

    /** A client for the image's repository, with the user's docker credentials for its registry, if any. */
    static RegistryClient client(ImageRef ref, List<String> insecure, Map<String, String> env) throws RegistryException {
        RegistryEndpoint endpoint = RegistryEndpoint.of(ref.domain(), insecure);
        return RegistryClient.open(endpoint, ref.path(), DockerConfig.load(env).credentials(ref.domain()));
    }
}
