package dev.asyncore.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of asyncore's documentation, as a {@code @Component} on the managed loop: once the application is ready it
 * fetches the application's own {@code /actuator/health} and logs the response's status line.
 *
 * <p>Events run on the loop thread; {@link #fetchHealth} on the thread that publishes {@link ApplicationReadyEvent} (it hands
 * the work to the loop); {@link #statusLine()} on any thread.
 */
// tag::declaration[]
@Component
public class HealthCheckClient extends Dispatcher {
    // end::declaration[]

    private static final String PATH = "/actuator/health";

    private final AsyncLoop loop;

    private final Environment environment;

    private final ByteArrayOutputStream response = new ByteArrayOutputStream();

    private final ByteBuffer input = ByteBuffer.allocate(8192);

    private ByteBuffer buffer = ByteBuffer.allocate(0);

    private volatile String statusLine;

    /**
     * Creates the client on the managed map; it has no socket until the application is ready. Any thread.
     *
     * @param map the managed map (a {@code DispatcherMap} parameter puts the dispatcher on the managed loop)
     * @param loop the managed loop, to connect on its thread
     * @param environment where Spring Boot publishes the HTTP port ({@code local.server.port})
     */
    // tag::constructor[]
    public HealthCheckClient(DispatcherMap map, AsyncLoop loop, Environment environment) {
        super(map);
        this.loop = loop;
        this.environment = environment;
    }
    // end::constructor[]

    /**
     * Step 1: when the web server is up, connect on the loop thread. Called on the thread that publishes the event.
     *
     * @param event the application is ready
     */
    // tag::fetch-health[]
    @EventListener(ApplicationReadyEvent.class)
    public void fetchHealth(ApplicationReadyEvent event) {
        Integer port = this.environment.getProperty("local.server.port", Integer.class);
        if (port == null) {
            return; // not a web application: nothing to fetch
        }
        this.loop.execute(() -> get(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }
    // end::fetch-health[]

    /** Step 2: create the socket, start connecting and queue the request, as the documentation's constructor does. */
    private void get(InetSocketAddress address) {
        try {
            createSocket();
            connect(address);
            String request = "GET " + PATH + " HTTP/1.0\r\nHost: localhost:" + address.getPort() + "\r\n\r\n";
            this.buffer = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ex) {
            handleError(ex);
        }
    }

    /** Step 3: the connection is up; the request goes out through {@link #handleWrite()}. Loop thread. */
    @Override
    public void handleConnect() {}

    /**
     * Step 4: write while the request has bytes left. Loop thread.
     *
     * @return whether bytes of the request are left
     */
    @Override
    public boolean writable() {
        return this.buffer.hasRemaining();
    }

    /**
     * Sends what the socket takes of the request. Loop thread.
     *
     * @throws IOException if the write fails
     */
    @Override
    public void handleWrite() throws IOException {
        send(this.buffer);
    }

    /**
     * Step 5: collect the response and log its first line. Loop thread.
     *
     * @throws IOException if the read fails
     */
    @Override
    public void handleRead() throws IOException {
        int n = recv(this.input);
        if (n > 0) {
            this.response.write(this.input.array(), 0, n);
        }
        this.input.clear();
        if (this.statusLine == null) {
            String text = this.response.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n");
            if (end >= 0) {
                this.statusLine = text.substring(0, end);
                logInfo("GET " + PATH + ": " + this.statusLine);
            }
        }
    }

    /** Step 6: the server closed the connection (HTTP/1.0): close ours. Loop thread. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * Returns the status line of the health response, once it arrived. Any thread.
     *
     * @return the status line, such as {@code HTTP/1.1 200 }, or null before the response
     */
    public String statusLine() {
        return this.statusLine;
    }
}
