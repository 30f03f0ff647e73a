package dev.asyncore.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** Blocking loopback clients for tests. */
public final class TestClients {

    private TestClients() {}

    /** Opens a blocking client to 127.0.0.1:port. */
    public static SocketChannel connect(int port) throws IOException {
        return connect(new InetSocketAddress("127.0.0.1", port));
    }

    /** Opens a blocking client to any address (TCP or UNIX domain). */
    public static SocketChannel connect(SocketAddress address) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        try {
            channel.connect(address);
            return channel;
        } catch (IOException ex) {
            channel.close();
            throw ex;
        }
    }

    /** Sends text and reads back as many bytes as were sent. */
    public static String roundTrip(SocketChannel channel, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer in = ByteBuffer.allocate(bytes.length);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                break;
            }
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
    }

    /** Sends text on a fresh connection to 127.0.0.1:port and returns the reply of the same length. */
    public static String roundTrip(int port, String text) throws IOException {
        try (SocketChannel channel = connect(port)) {
            return roundTrip(channel, text);
        }
    }

    /** Returns whether the peer closed or reset the connection: a read sees end-of-stream or an error. */
    public static boolean closedByPeer(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException ex) {
            return true;
        }
    }

    /** Returns whether a live thread with this exact name exists. */
    public static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch((t) -> t.getName().equals(name) && t.isAlive());
    }

    /** Finds the live thread with this exact name, or null. */
    public static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter((t) -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
    }
}
