package io.jnerd.netns.bypassd;

import java.util.List;

/**
 * bypass4netnsd's PortSpec: connections to {@code parentIP:parentPort} on the host reach
 * {@code childIP:childPort} in the container. {@code protos} are Go network names
 * (tcp, tcp4, tcp6, udp, udp4, udp6).
 */
public record PortSpec(List<String> protos, String parentIP, Integer parentPort, String childIP, Integer childPort) {}
