package dev.asyncore.docs.clients;

import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ReconnectPolicy;

/** A connection to an upstream kept up with back-off, without Spring. */
public final class UpstreamConnector {

    private UpstreamConnector() {}

    /**
     * Starts connecting to a primary host, failing over to a standby. Any thread.
     *
     * @param loop the loop that runs the connection
     * @param primary the primary's host
     * @param standby the standby's host
     * @param port the port of both
     * @return the started connector
     */
    public static ClientConnector start(AsyncLoop loop, String primary, String standby, int port) {
        // tag::connector[]
        ClientConnector upstream = ClientConnector.builder("upstream", loop)
                .address(primary, port)
                .address(standby, port)
                .handler((channel, address, map) -> new UpstreamClient(channel, map))
                .reconnect(ReconnectPolicy.of(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2))
                .build();
        upstream.start(); // any thread; stop() closes gracefully and cancels the pending attempt and back-off timer
        // end::connector[]
        return upstream;
    }
}
