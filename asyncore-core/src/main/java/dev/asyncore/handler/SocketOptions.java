package dev.asyncore.handler;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Options applied to every connection a {@link ServerDispatcher} accepts. Set up on any thread before the server runs;
 * applied on the loop thread.
 *
 * @param tcpNoDelay whether to disable Nagle's algorithm (TCP only)
 * @param keepAlive whether to send keep-alive probes (TCP only)
 * @param receiveBufferSize {@code SO_RCVBUF} in bytes, or 0 to leave the system default
 * @param sendBufferSize {@code SO_SNDBUF} in bytes, or 0 to leave the system default
 */
public record SocketOptions(boolean tcpNoDelay, boolean keepAlive, int receiveBufferSize, int sendBufferSize) {

    /** TCP_NODELAY on, everything else as the system has it. */
    public static final SocketOptions DEFAULTS = new SocketOptions(true, false, 0, 0);

    /**
     * Applies the options; UNIX-domain channels get only the buffer sizes.
     *
     * @param channel the accepted channel
     * @throws IOException if an option cannot be set
     */
    public void applyTo(SocketChannel channel) throws IOException {
        boolean tcp = channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY);
        if (tcp) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
        }
        ServerSockets.setBufferSizes(channel, receiveBufferSize, sendBufferSize);
    }
}
