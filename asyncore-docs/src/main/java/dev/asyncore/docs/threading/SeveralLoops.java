package dev.asyncore.docs.threading;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.GroupServer;
import dev.asyncore.handler.ServerDispatcher;

/** An echo server spread over two loops, without Spring. */
public final class SeveralLoops {

    private SeveralLoops() {}

    /**
     * Starts two loops and an echo server spread over them. Any thread.
     *
     * @param port the TCP port (0 picks a free one)
     * @return the started group; its server is the first listener of each loop
     * @throws IOException if the server cannot bind
     */
    public static Started start(int port) throws IOException {
        // tag::group[]
        AsyncLoopGroup group = AsyncLoopGroup.builder(2).threadName("echo-loop").build();
        GroupServer server = new GroupServer(group, (channel, peer, map) -> new EchoHandler(channel, map));
        server.configure(s -> s.setIdleTimeout(Duration.ofMinutes(5))); // applied to each loop's ServerDispatcher
        server.open(new InetSocketAddress(port), ServerDispatcher.DEFAULT_BACKLOG, true);
        group.start();
        // end::group[]
        return new Started(group, server);
    }

    /**
     * Stops what {@link #start} started. Any thread but a loop thread of the group.
     *
     * @param started the group and its server
     * @return whether every connection finished within the timeout
     */
    public static boolean stop(Started started) {
        AsyncLoopGroup group = started.group();
        // tag::group-stop[]
        return group.shutdownGracefully(Duration.ofSeconds(30));
        // end::group-stop[]
    }

    /**
     * A started group and its server.
     *
     * @param group the loops
     * @param server the server spread over them
     */
    public record Started(AsyncLoopGroup group, GroupServer server) {}
}
