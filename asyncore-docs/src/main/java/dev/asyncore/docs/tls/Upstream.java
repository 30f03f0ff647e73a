package dev.asyncore.docs.tls;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.boot.server.AsyncoreSslBundles;

// tag::tls-client[]
/** A client dispatcher that speaks TLS to its upstream. Built before the loop starts; events on the loop thread. */
public class Upstream extends DispatcherWithSend {

    /**
     * Connects and starts TLS with the trust of an SSL bundle. Before the loop starts (a singleton bean).
     *
     * @param map the managed map
     * @param bundles the application's SSL bundles
     * @param host the upstream's host
     * @param port its TLS port
     * @throws IOException if the socket cannot be opened
     */
    public Upstream(DispatcherMap map, AsyncoreSslBundles bundles, String host, int port) throws IOException {
        super(map);
        createSocket();
        connect(new InetSocketAddress(host, port));
        startTlsClient(bundles.options("upstream-trust"), host); // SNI + host name verification
    }
}
// end::tls-client[]
