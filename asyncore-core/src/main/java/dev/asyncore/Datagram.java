package dev.asyncore;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * One datagram as {@link Dispatcher#recvfrom(int)} gives it: its bytes and its sender (Python's {@code (data, address)}
 * pair). Immutable as far as the record goes; the array is the caller's. Any thread.
 *
 * @param data the bytes, cut to the buffer size that was asked for (the rest of a longer datagram is lost, as in Python)
 * @param address the sender
 */
public record Datagram(byte[] data, SocketAddress address) {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if either is null
     */
    public Datagram {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(address, "address");
    }
}
