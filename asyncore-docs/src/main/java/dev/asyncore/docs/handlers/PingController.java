package dev.asyncore.docs.handlers;

import java.net.InetSocketAddress;

import dev.asyncore.AsyncLoop;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

// tag::controller[]
/** Opens a client on the managed loop from a web request. Request threads. */
@RestController
public class PingController {

    private final AsyncLoop loop;

    /**
     * Takes the managed loop. Any thread.
     *
     * @param loop the managed loop
     */
    public PingController(AsyncLoop loop) {
        this.loop = loop;
    }

    /**
     * Starts a ping of an echo server. A request thread.
     *
     * @param host the echo server's host
     * @param port its port
     * @return which channel the ping uses
     */
    @PostMapping("/ping/{host}/{port}")
    public String ping(@PathVariable String host, @PathVariable int port) {
        // runs on the loop thread: the constructor calls createSocket() and connect(...), which register the client
        PingClient client = loop.submit(() -> new PingClient(new InetSocketAddress(host, port), loop.map()))
                .join();
        return "connecting, channel " + client.fileno();
    }
}
// end::controller[]
