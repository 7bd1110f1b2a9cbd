package io.jnerd.netns.slirp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Client of slirp4netns's API socket ({@code --api-socket}). The protocol is one JSON request
 * per connection ({@code {"execute": ..., "arguments": {...}}}); slirp4netns answers
 * {@code {"return": {...}}} (list_hostfwd: {@code {"entries": [...]}}) or
 * {@code {"error": {"desc": ...}}} and closes. It reads the
 * request with a single read(2) of at most 4 KiB, so the request goes out in one write.
 */
public final class Slirp4netnsApi {

    private static final int MAX_REPLY = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    public Slirp4netnsApi(Path socket) {
        this.socket = socket;
    }

    /**
     * Forwards {@code hostAddr:hostPort} (null: 0.0.0.0) to the guest's {@code guestPort} at
     * slirp4netns's guest address (10.0.2.100). slirp4netns 1.x forwards IPv4 host addresses only.
     *
     * @return the forward's id, for {@link #removeHostfwd}
     */
    public int addHostfwd(Protocol protocol, InetAddress hostAddr, int hostPort, int guestPort) throws IOException {
        if (hostAddr != null && !(hostAddr instanceof Inet4Address)) {
            throw new IOException("slirp4netns cannot publish on IPv6 address " + IpLiteral.format(hostAddr)
                    + ": use an IPv4 host address or --net=pasta");
        }
        ObjectNode args = JSON.createObjectNode()
                .put("proto", protocol.wireName())
                .put("host_addr", hostAddr == null ? "0.0.0.0" : hostAddr.getHostAddress())
                .put("host_port", hostPort)
                .put("guest_port", guestPort);
        String what = "add_hostfwd " + args.get("host_addr").asText() + ":" + hostPort + " -> " + guestPort + "/"
                + protocol.wireName();
        JsonNode ret = execute("add_hostfwd", args, what).path("return");
        JsonNode id = ret.get("id");
        if (id == null || !id.isInt()) {
            throw new IOException("slirp4netns " + what + ": reply has no id: " + ret);
        }
        return id.intValue();
    }

    public List<HostForward> listHostfwd() throws IOException {
        // Unlike the other replies, this one has no "return" wrapper: {"entries": [...]}.
        JsonNode reply = execute("list_hostfwd", null, "list_hostfwd");
        List<HostForward> out = new ArrayList<>();
        for (JsonNode e : reply.path("entries")) {
            out.add(new HostForward(e.path("id").intValue(), Protocol.parse(e.path("proto").asText()),
                    e.path("host_addr").asText(), e.path("host_port").intValue(),
                    e.path("guest_addr").asText(), e.path("guest_port").intValue()));
        }
        return out;
    }

    public void removeHostfwd(int id) throws IOException {
        execute("remove_hostfwd", JSON.createObjectNode().put("id", id), "remove_hostfwd " + id);
    }

    private JsonNode execute(String command, ObjectNode arguments, String what) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        byte[] reply;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(JSON.writeValueAsBytes(request));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            reply = readAll(ch);
        } catch (IOException e) {
            throw new IOException("slirp4netns " + what + " via " + socket + ": " + e.getMessage(), e);
        }
        JsonNode node;
        try {
            node = JSON.readTree(reply);
        } catch (IOException e) {
            throw new IOException("slirp4netns " + what + ": reply is not JSON: "
                    + new String(reply, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (node == null || !node.isObject()) {
            throw new IOException("slirp4netns " + what + ": empty reply");
        }
        if (node.has("error")) {
            throw new IOException("slirp4netns " + what + ": " + node.path("error").path("desc").asText(node.toString()));
        }
        return node;
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (ch.read(buf) >= 0) {
            buf.flip();
            out.write(buf.array(), 0, buf.limit());
            buf.clear();
            if (out.size() > MAX_REPLY) {
                throw new IOException("reply larger than " + MAX_REPLY + " bytes");
            }
        }
        return out.toByteArray();
    }
}
