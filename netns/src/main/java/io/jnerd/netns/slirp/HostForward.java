package io.jnerd.netns.slirp;

import io.jnerd.netns.Protocol;

/** One entry of slirp4netns's {@code list_hostfwd}. */
public record HostForward(int id, Protocol protocol, String hostAddr, int hostPort, String guestAddr, int guestPort) {}
