package dev.asyncore.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.asyncore.TlsProvider;

/**
 * Runs one echo server in this process: {@code java -cp benchmarks.jar dev.asyncore.bench.ServerMain <kind> <port>
 * [--stdin-control]}.
 *
 * <p>Kinds: {@code netty} (Netty 4.2, one NIO loop), {@code netty-epoll} (the same on Netty's native epoll transport),
 * {@code asyncore-tls} (JDK provider), {@code asyncore-tls-openssl} (BoringSSL through Conscrypt), {@code netty-tls} (JDK
 * provider, NIO) and {@code netty-tls-openssl} (BoringSSL through
 * netty-tcnative, native epoll) for the TLS comparison, {@code nio} (hand-written single-thread NIO) and {@code asyncore}
 * ({@code dev.asyncore.handler.EchoServer} on a {@code dev.asyncore.AsyncLoop}). The server listens on 127.0.0.1, prints
 * {@code PORT <n>} on stdout once it accepts connections, and runs until it is killed, or, with {@code --stdin-control},
 * until its standard input is closed or reads {@code quit}; a line {@code alloc} is then answered with {@code ALLOC <bytes>},
 * the bytes all live threads of this process have allocated so far.
 * The C server ({@code epoll_echo.c}) and the sample app are separate programs that {@link Compare} launches itself.
 */
public final class ServerMain {
    private ServerMain() {}

    /**
     * Starts the server named by {@code args[0]} on port {@code args[1]} (0 = any free port). Main thread.
     *
     * @param args kind and port
     * @throws Exception when the server cannot start
     */
    public static void main(String[] args) throws Exception {
        boolean stdinControl = args.length == 3 && args[2].equals("--stdin-control");
        if (args.length != 2 && !stdinControl) {
            System.err.println(
                    "usage: ServerMain <netty|netty-epoll|nio|asyncore|python-loop|asyncore-tls|asyncore-tls-openssl|netty-tls|"
                            + "netty-tls-openssl> <port> [--stdin-control]");
            System.exit(2);
        }
        String kind = args[0].toLowerCase(Locale.ROOT);
        int port = parsePort(args[1]);
        AutoCloseable server;
        int bound;
        switch (kind) {
            case "netty", "netty-epoll" -> {
                NettyEchoServer s = new NettyEchoServer(port, NettyTransport.of(kind));
                server = s;
                bound = s.port();
            }
            case "nio" -> {
                NioEchoServer s = new NioEchoServer(port);
                Thread t = new Thread(s, "nio-echo");
                t.start();
                server = s;
                bound = s.port();
            }
            case "asyncore" -> {
                RunningServer s = new AsyncoreEchoServer(port);
                server = s;
                bound = s.port();
            }
            case "asyncore-tls", "asyncore-tls-openssl" -> {
                RunningServer s = new AsyncoreTlsEchoServer(
                        port, kind.equals("asyncore-tls-openssl") ? TlsProvider.OPENSSL : TlsProvider.JDK);
                server = s;
                bound = s.port();
            }
            case "netty-tls", "netty-tls-openssl" -> {
                RunningServer s = new NettyTlsEchoServer(port, kind.equals("netty-tls-openssl"));
                server = s;
                bound = s.port();
            }
            case "python-loop" -> {
                RunningServer s = new PythonLoopEchoServer(port);
                server = s;
                bound = s.port();
            }
            default ->
                throw new IllegalArgumentException("unknown server kind '" + args[0]
                        + "': expected netty, netty-epoll, nio, asyncore, python-loop, asyncore-tls, asyncore-tls-openssl, "
                        + "netty-tls or netty-tls-openssl");
        }
        System.out.println("PORT " + bound);
        System.out.flush();
        if (!stdinControl) {
            Thread.currentThread().join();
        }
        waitForQuit();
        server.close();
        System.exit(0);
    }

    /** A started server: its bound port and how to stop it. */
    public interface RunningServer extends AutoCloseable {
        /**
         * Returns the bound port. Any thread.
         *
         * @return the port
         */
        int port();

        /** Stops the server. Any thread. */
        @Override
        void close();
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range 0..65535: " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number: '" + text + "'", e);
        }
    }

    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            long total = 0;
            for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
                if (bytes > 0) {
                    total += bytes;
                }
            }
            return total;
        }
        return -1;
    }

    private static void waitForQuit() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.trim();
            if (command.equals("quit")) {
                return;
            }
            if (command.equals("alloc")) {
                System.out.println("ALLOC " + allocatedBytes());
                System.out.flush();
            }
        }
    }
}
