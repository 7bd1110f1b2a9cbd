package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /etc/resolv.conf, /etc/hosts and /etc/hostname of a container in a namespace of its own,
 * written under jnerd's state (the container's network dir) and bind-mounted read-only, as
 * nerdctl does: the image's own files know nothing of the network it runs in.
 */
final class EtcFiles {
    static final String[] NAMES = {"resolv.conf", "hosts", "hostname"};

    private final String resolvConf;
    private final String containerAddress;

    /**
     * @param resolvConf the resolv.conf content
     * @param containerAddress the container's address, for its host name in /etc/hosts
     */
    EtcFiles(String resolvConf, String containerAddress) {
        this.resolvConf = resolvConf;
        this.containerAddress = containerAddress;
    }

    /** slirp4netns's built-in DNS forwarder and the address {@code --configure} gives the container. */
    static EtcFiles slirp4netns() {
        return new EtcFiles("nameserver 10.0.2.3\n", "10.0.2.100");
    }

    /** pasta copies the host's addresses and routes; the host's resolvers are reached as on the host. */
    static EtcFiles pasta() throws IOException {
        Path host = Path.of("/etc/resolv.conf");
        String conf = Files.isReadable(host) ? Files.readString(host, StandardCharsets.UTF_8) : "";
        return new EtcFiles(conf, "127.0.1.1");
    }

    /** The bind mounts (the files are written by {@link #write}, before the container is created). */
    void addMounts(ObjectNode spec, Path dir) {
        ArrayNode mounts = spec.withArrayProperty("mounts");
        for (String name : NAMES) {
            ObjectNode m = mounts.addObject();
            m.put("destination", "/etc/" + name).put("type", "bind").put("source", dir.resolve(name).toString());
            m.putArray("options").add("rbind").add("ro");
        }
    }

    void write(Path dir, ContainerContext context) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resolv.conf"), resolvConf, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + containerAddress + "\t" + context.hostname() + " " + context.name() + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hostname"), context.hostname() + "\n", StandardCharsets.UTF_8);
    }
}
