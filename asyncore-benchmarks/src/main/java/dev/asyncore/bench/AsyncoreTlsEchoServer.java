package dev.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;

/**
 * This project's echo server over TLS: {@link ServerDispatcher} with {@link EchoHandler} and {@link TlsOptions} on the
 * benchmark's certificate, protocol and cipher, on the JDK's provider or OpenSSL, one {@link AsyncLoop} thread. Any
 * thread may construct or close it.
 */
public final class AsyncoreTlsEchoServer implements ServerMain.RunningServer {
    private final DispatcherMap map = new DispatcherMap();
    private final ServerDispatcher server;
    private final AsyncLoop loop;

    /**
     * Binds the server on the loopback address and starts its loop.
     *
     * @param port the port, 0 for any free port
     * @param provider the TLS provider: the JDK's ({@code asyncore-tls}) or OpenSSL ({@code asyncore-tls-openssl})
     * @throws IOException when the socket cannot be bound
     */
    public AsyncoreTlsEchoServer(int port, TlsProvider provider) throws IOException {
        server = new ServerDispatcher(map, (channel, peer, m) -> new EchoHandler(channel, m));
        server.setTls(TlsOptions.of(BenchTls.serverContext(provider))
                .withProtocols(BenchTls.PROTOCOL)
                .withCipherSuites(BenchTls.CIPHER));
        server.open(new InetSocketAddress("127.0.0.1", port), 1024);
        loop = AsyncLoop.builder(map).threadName("asyncore-tls-echo").build();
        loop.start();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops the loop and closes every channel. Any thread. */
    @Override
    public void close() {
        loop.shutdownGracefully(Duration.ofSeconds(1));
        map.close();
    }
}
