package dev.asyncore.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.ServerProtocol;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.net.AddressRules;
import dev.asyncore.net.Cidr;
import org.springframework.util.unit.DataSize;

/**
 * Checks {@code asyncore.*} values that binding accepts but that cannot work, each reported with the property and its fix;
 * called on the context-refresh thread, before the values are turned into loops and servers.
 */
final class AsyncorePropertiesValidator {

    /** The most loop threads {@code asyncore.loop.threads} accepts: each is a thread with a selector of its own. */
    static final int MAX_THREADS = 1024;

    /** Options that only check host names with the core's own rules; their context is never asked for. */
    private static final TlsOptions TLS_NAMES = TlsOptions.of(() -> null);

    private AsyncorePropertiesValidator() {}

    static void validateLoop(AsyncoreProperties properties) {
        Duration timeout = properties.getLoop().getTimeout();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidAsyncorePropertyException(
                    "asyncore.loop.timeout",
                    timeout,
                    "the loop waits up to this long for readiness and sweeps its channels this often, so it must be "
                            + "positive",
                    "Set asyncore.loop.timeout to a positive duration such as 1s.");
        }
        String threadName = properties.getLoop().getThreadName();
        if (threadName == null || threadName.isBlank()) {
            throw new InvalidAsyncorePropertyException(
                    "asyncore.loop.thread-name",
                    threadName,
                    "the loop thread needs a name",
                    "Set asyncore.loop.thread-name to a non-blank name such as asyncore-loop.");
        }
        Duration blocked = properties.getLoop().getBlockedWarning();
        if (blocked == null || blocked.isNegative()) {
            throw new InvalidAsyncorePropertyException(
                    "asyncore.loop.blocked-warning",
                    blocked,
                    "the loop warns when one handler call holds it longer than this, so it is zero (off) or positive",
                    "Set asyncore.loop.blocked-warning to a duration such as 100ms, or to 0 to turn the watchdog off.");
        }
        Duration shutdown = properties.getShutdown().getTimeout();
        if (shutdown == null || shutdown.isNegative()) {
            throw new InvalidAsyncorePropertyException(
                    "asyncore.shutdown.timeout",
                    shutdown,
                    "the graceful shutdown timeout must be zero or positive",
                    "Set asyncore.shutdown.timeout to a duration such as 30s (0 closes every connection at once).");
        }
    }

    /** One offload limit, at least {@code min}; the report names the property the value came from. */
    private static void offloadLimit(String property, int value, int min) {
        if (value < min) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    value,
                    min == 0
                            ? "a number of calls cannot be negative"
                            : "at least one call must be able to run, or every offloaded call would be refused",
                    "Set " + property + " to " + min + " or more (the default is " + defaultOffloadLimit(property)
                            + ").");
        }
    }

    private static int defaultOffloadLimit(String property) {
        OffloadProperties defaults = new OffloadProperties();
        if (property.endsWith("max-in-flight-per-connection")) {
            return defaults.getMaxInFlightPerConnection();
        }
        return property.endsWith("max-waiting") ? defaults.getMaxWaiting() : defaults.getMaxInFlight();
    }

    /**
     * The number of loop threads {@code asyncore.loop.threads} asks for.
     *
     * @throws InvalidAsyncorePropertyException when it is neither {@code auto} nor a number from 1 to {@value #MAX_THREADS}
     */
    static int loopThreads(AsyncoreProperties properties) {
        String threads = properties.getLoop().getThreads();
        String value = threads == null ? "" : threads.trim();
        if (value.equalsIgnoreCase("auto")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_THREADS) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new InvalidAsyncorePropertyException(
                "asyncore.loop.threads",
                threads,
                "the number of loop threads is a number from 1 to " + MAX_THREADS + ", or auto",
                "Set asyncore.loop.threads to auto (one loop per available processor, "
                        + Runtime.getRuntime().availableProcessors() + " here) or to a number such as 2; "
                        + "1 keeps a single loop.");
    }

    /**
     * Checks the values of every enabled server under {@code asyncore.servers}, in declaration order, before anything is
     * looked up among the application's beans.
     *
     * @param properties the bound properties
     * @throws InvalidAsyncorePropertyException naming the first value that cannot work
     */
    static void validateServers(AsyncoreProperties properties) {
        for (Map.Entry<String, AsyncoreProperties.Server> entry :
                properties.getServers().entrySet()) {
            String name = entry.getKey();
            AsyncoreProperties.Server server = entry.getValue();
            if (!server.isEnabled()) {
                continue;
            }
            if (server.getProtocol() == ServerProtocol.UDP) {
                validateDatagramServer(name, server);
                validateServer(name, server);
            } else {
                validateServer(name, server);
                validateTls(name, server.getSsl());
                validateOffload(name, server.getOffload(), properties.getOffload());
            }
        }
    }

    /** The TLS of a server: its handshake timeout, its server-name bundles and its application protocols. */
    private static void validateTls(String name, ServerSslProperties ssl) {
        String prefix = "asyncore.servers." + name + ".ssl.";
        if (ssl.getBundle() == null) {
            if (!ssl.getServerNameBundles().isEmpty()) {
                throw new InvalidAsyncorePropertyException(
                        prefix + "bundle",
                        null,
                        "server-name-bundles are set, and a server that maps names needs a default certificate for "
                                + "clients that ask for no name or another one",
                        "Set " + prefix + "bundle to the SSL bundle of the default certificate.");
            }
            validateApplicationProtocols(prefix, ssl.getApplicationProtocols(), false);
            return;
        }
        validateServerNameBundles(prefix, ssl.getServerNameBundles());
        validateApplicationProtocols(prefix, ssl.getApplicationProtocols(), true);
        validateTlsProvider(prefix + "provider", ssl.getProvider());
        Duration timeout = ssl.getHandshakeTimeout();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidAsyncorePropertyException(
                    "asyncore.servers." + name + ".ssl.handshake-timeout",
                    timeout,
                    "a client that never finishes its handshake would hold its connection for ever",
                    "Set asyncore.servers." + name + ".ssl.handshake-timeout to a positive duration such as 10s.");
        }
    }

    /** Each entry of {@code server-name-bundles}: a well-formed host name, not twice, and a bundle. */
    private static void validateServerNameBundles(
            String prefix, List<ServerSslProperties.ServerNameSslBundle> entries) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = prefix + "server-name-bundles[" + i + "].";
            ServerSslProperties.ServerNameSslBundle e = entries.get(i);
            String name = e.getServerName();
            if (name == null || name.isBlank()) {
                throw new InvalidAsyncorePropertyException(
                        entry + "server-name",
                        name,
                        "each entry maps a host name that clients ask for with SNI to a bundle",
                        "Set " + entry + "server-name to a host name such as a.example (or *.example for one label).");
            }
            try {
                TLS_NAMES.withServerName(name, TLS_NAMES);
            } catch (IllegalArgumentException malformed) {
                throw new InvalidAsyncorePropertyException(
                        entry + "server-name",
                        name,
                        malformed.getMessage(),
                        "Set " + entry + "server-name to a host name such as a.example, or *. and a domain.");
            }
            if (!seen.add(name.strip().toLowerCase(Locale.ROOT))) {
                throw new InvalidAsyncorePropertyException(
                        entry + "server-name",
                        name,
                        "the same host name is mapped by an earlier entry of " + prefix + "server-name-bundles",
                        "Remove " + prefix + "server-name-bundles[" + i + "] or give it another server-name.");
            }
            if (e.getBundle() == null || e.getBundle().isBlank()) {
                throw new InvalidAsyncorePropertyException(
                        entry + "bundle",
                        e.getBundle(),
                        "each entry needs the SSL bundle whose certificate clients asking for '" + name + "' get",
                        "Set " + entry + "bundle to the name of a spring.ssl.bundle.* entry.");
            }
        }
    }

    /**
     * The application protocols of a server or client ({@code prefix} ends with {@code ssl.}): only over TLS, each of 1
     * to 255 bytes and not twice.
     */
    static void validateApplicationProtocols(String prefix, List<String> protocols, boolean tls) {
        if (!protocols.isEmpty() && !tls) {
            throw new InvalidAsyncorePropertyException(
                    prefix + "application-protocols",
                    protocols,
                    "application protocols are agreed in the TLS handshake (ALPN), and TLS needs an SSL bundle",
                    "Set " + prefix + "bundle, or remove " + prefix + "application-protocols.");
        }
        for (int i = 0; i < protocols.size(); i++) {
            String p = protocols.get(i);
            if (p == null
                    || p.isBlank()
                    || p.getBytes(StandardCharsets.UTF_8).length > 255
                    || protocols.indexOf(p) < i) {
                throw new InvalidAsyncorePropertyException(
                        prefix + "application-protocols[" + i + "]",
                        p,
                        "an application protocol is a name of 1 to 255 bytes, listed once",
                        "Set " + prefix + "application-protocols[" + i + "] to a protocol name such as h2 or "
                                + "http/1.1, or remove it.");
            }
        }
    }

    /**
     * A TLS provider that can run here: {@code openssl} needs Conscrypt on the class path and its native library.
     *
     * @param property the full property name
     * @param provider its value
     * @throws InvalidAsyncorePropertyException naming the missing dependency
     */
    static void validateTlsProvider(String property, TlsProvider provider) {
        if (provider == null) {
            throw new InvalidAsyncorePropertyException(
                    property, null, "the TLS provider must be set", "Set " + property + " to auto, jdk or openssl.");
        }
        try {
            provider.resolve();
        } catch (IllegalStateException unavailable) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    "openssl",
                    unavailable.getMessage(),
                    "Add org.conscrypt:conscrypt-openjdk-uber to the application's dependencies (its native library "
                            + "is built for Linux and macOS on x86_64 and for Windows), or set " + property
                            + " to auto (OpenSSL where it loads, else the JDK's provider) or jdk.");
        }
    }

    /** The offload limits that apply to a TCP server: its own, else those of {@code asyncore.offload}. */
    private static void validateOffload(String name, ServerOffloadProperties own, OffloadProperties defaults) {
        String prefix = "asyncore.servers." + name + ".offload.";
        offloadLimit(
                own.getMaxInFlightPerConnection() != null
                        ? prefix + "max-in-flight-per-connection"
                        : "asyncore.offload.max-in-flight-per-connection",
                own.getMaxInFlightPerConnection() != null
                        ? own.getMaxInFlightPerConnection()
                        : defaults.getMaxInFlightPerConnection(),
                1);
        offloadLimit(
                own.getMaxInFlight() != null ? prefix + "max-in-flight" : "asyncore.offload.max-in-flight",
                own.getMaxInFlight() != null ? own.getMaxInFlight() : defaults.getMaxInFlight(),
                1);
        offloadLimit(
                own.getMaxWaiting() != null ? prefix + "max-waiting" : "asyncore.offload.max-waiting",
                own.getMaxWaiting() != null ? own.getMaxWaiting() : defaults.getMaxWaiting(),
                0);
    }

    /** The values every server has, TCP or UDP. */
    private static void validateServer(String name, AsyncoreProperties.Server server) {
        String prefix = "asyncore.servers." + name;
        if (server.getPath() != null) {
            if (server.getPort() != null || server.getAddress() != null) {
                throw new InvalidAsyncorePropertyException(
                        prefix + ".path",
                        server.getPath(),
                        "a UNIX-domain server has a path instead of an address and port",
                        "Remove " + prefix + ".address and " + prefix + ".port, or remove " + prefix
                                + ".path for a TCP server.");
            }
        } else if (server.getPort() == null) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".port",
                    null,
                    "a TCP server needs a port",
                    "Set " + prefix + ".port (0 picks a free port), or " + prefix + ".path for a UNIX-domain socket.");
        } else if (server.getPort() < 0 || server.getPort() > 65535) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".port",
                    server.getPort(),
                    "a port is between 0 and 65535",
                    "Set " + prefix + ".port to a port between 1 and 65535, or 0 to pick a free port.");
        }
        if (server.getBacklog() < 1) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".backlog",
                    server.getBacklog(),
                    "the backlog must be at least 1",
                    "Set " + prefix + ".backlog to a positive number such as 128.");
        }
        if (server.getMaxConnections() < 0) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".max-connections",
                    server.getMaxConnections(),
                    "the connection limit cannot be negative",
                    "Set " + prefix + ".max-connections to 0 (no limit) or more.");
        }
        Duration idle = server.getIdleTimeout();
        if (idle != null && (idle.isNegative() || idle.isZero())) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".idle-timeout",
                    idle,
                    "the idle timeout must be positive",
                    "Set " + prefix + ".idle-timeout to a positive duration such as 60s, or remove it for no timeout.");
        }
        Duration header = server.getProxyProtocolTimeout();
        if (header == null || header.isNegative() || header.isZero()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".proxy-protocol-timeout",
                    header,
                    "the PROXY protocol header timeout must be positive",
                    "Set " + prefix + ".proxy-protocol-timeout to a positive duration such as 5s.");
        }
        addressRules(prefix + ".allow", server.getAllow());
        addressRules(prefix + ".deny", server.getDeny());
        validateAbuseLimits(prefix, server);
        positive(prefix + ".receive-buffer-size", server.getReceiveBufferSize());
        positive(prefix + ".send-buffer-size", server.getSendBufferSize());
        maxQueuedBytes(prefix + ".max-queued-bytes", server.getMaxQueuedBytes());
        AsyncoreProperties.Echo echo = server.getEcho();
        positive(prefix + ".echo.high-watermark", echo.getHighWatermark());
        if (echo.getLowWatermark() == null || echo.getLowWatermark().isNegative()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".echo.low-watermark",
                    echo.getLowWatermark(),
                    "the low watermark is a size of 0B or more",
                    "Set " + prefix + ".echo.low-watermark to a size such as 16KB.");
        }
        try {
            echo.watermarks();
        } catch (IllegalArgumentException e) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".echo.low-watermark",
                    echo.getLowWatermark(),
                    "the low watermark must not be above the high watermark (" + echo.getHighWatermark() + "): "
                            + e.getMessage(),
                    "Set " + prefix + ".echo.low-watermark at or below " + prefix + ".echo.high-watermark.");
        }
    }

    /** The limits on what one client may hold: per-address connections and the trusted PROXY protocol senders. */
    private static void validateAbuseLimits(String prefix, AsyncoreProperties.Server server) {
        if (server.getMaxConnectionsPerAddress() < 0) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".max-connections-per-address",
                    server.getMaxConnectionsPerAddress(),
                    "the connection limit per client address cannot be negative",
                    "Set " + prefix + ".max-connections-per-address to 0 (no limit) or more, such as 100.");
        }
        List<String> trusted = server.getProxyProtocolTrusted();
        if (trusted != null && !trusted.isEmpty() && !server.isProxyProtocol()) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".proxy-protocol-trusted",
                    trusted,
                    "trusted proxies only matter when connections begin with a PROXY protocol header",
                    "Set " + prefix + ".proxy-protocol to true, or remove " + prefix + ".proxy-protocol-trusted.");
        }
        addressRules(prefix + ".proxy-protocol-trusted", trusted);
    }

    private static void addressRules(String property, List<String> entries) {
        if (entries == null) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) != null && entries.get(i).trim().equalsIgnoreCase(AddressRules.UNIX)) {
                continue;
            }
            try {
                Cidr.parse(entries.get(i));
            } catch (IllegalArgumentException ex) {
                throw new InvalidAsyncorePropertyException(
                        property + "[" + i + "]",
                        entries.get(i) == null ? null : entries.get(i).trim(),
                        ex.getMessage(),
                        "Set " + property + "[" + i + "] to an IP address or a CIDR network, such as 10.0.0.0/8, "
                                + "192.0.2.7, fd00::/8 or ::1 (host names are not resolved), or to unix for "
                                + "UNIX-domain addresses.");
            }
        }
    }

    private static void positive(String property, DataSize size) {
        if (size != null && (size.toBytes() <= 0 || size.toBytes() > Integer.MAX_VALUE)) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    size,
                    "a buffer size is between 1B and 2GB",
                    "Set " + property + " to a positive size such as 64KB, or remove it for the default.");
        }
    }

    private static void maxQueuedBytes(String property, DataSize size) {
        if (size != null && size.toBytes() <= 0) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    size,
                    "the output budget of the server's connections must be a positive size",
                    "Set " + property + " to a size such as 32MB (at most an eighth of -Xmx is a safe share for one"
                            + " server), or remove it for the default: an eighth of the maximum heap, at most 64MB.");
        }
    }

    /** The values of a UDP server: no TCP-only setting, and {@code udp.*} within bounds. */
    private static void validateDatagramServer(String name, AsyncoreProperties.Server server) {
        String prefix = "asyncore.servers." + name;
        if (server.getPath() != null) {
            refuse(prefix + ".path", server.getPath(), "Java has no UNIX-domain datagram sockets", prefix);
        }
        if (server.getPort() == null) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".port",
                    null,
                    "a UDP server needs a port",
                    "Set " + prefix + ".port (0 picks a free port).");
        }
        if (server.getBacklog() != ServerDispatcher.DEFAULT_BACKLOG) {
            refuse(prefix + ".backlog", server.getBacklog(), "a UDP server accepts no connections", prefix);
        }
        if (server.getMaxConnections() != 0) {
            refuse(prefix + ".max-connections", server.getMaxConnections(), "a UDP server has no connections", prefix);
        }
        if (server.getMaxQueuedBytes() != null) {
            refuse(prefix + ".max-queued-bytes", server.getMaxQueuedBytes(), "a UDP server has no connections", prefix);
        }
        if (server.getIdleTimeout() != null) {
            refuse(prefix + ".idle-timeout", server.getIdleTimeout(), "a UDP server has no connections", prefix);
        }
        if (server.isProxyProtocol()) {
            refuse(prefix + ".proxy-protocol", true, "the PROXY protocol header begins a TCP stream", prefix);
        }
        if (server.isConnectionEvents()) {
            refuse(prefix + ".connection-events", true, "a UDP server has no connections", prefix);
        }
        if (server.isKeepAlive()) {
            refuse(prefix + ".keep-alive", true, "SO_KEEPALIVE is a TCP option", prefix);
        }
        if (!server.isTcpNoDelay()) {
            refuse(prefix + ".tcp-no-delay", false, "TCP_NODELAY is a TCP option", prefix);
        }
        if (!server.getAllow().isEmpty()) {
            refuse(prefix + ".allow", server.getAllow(), "address rules apply to TCP connections only", prefix);
        }
        if (!server.getDeny().isEmpty()) {
            refuse(prefix + ".deny", server.getDeny(), "address rules apply to TCP connections only", prefix);
        }
        if (!server.getProxyProtocolTrusted().isEmpty()) {
            refuse(
                    prefix + ".proxy-protocol-trusted",
                    server.getProxyProtocolTrusted(),
                    "the PROXY protocol header begins a TCP stream",
                    prefix);
        }
        if (server.getMaxConnectionsPerAddress() != 0) {
            refuse(
                    prefix + ".max-connections-per-address",
                    server.getMaxConnectionsPerAddress(),
                    "a UDP server has no connections; udp.max-rate-per-source limits what one source may send",
                    prefix);
        }
        AsyncoreProperties.Udp udp = server.getUdp();
        if (udp.getReadBudget() < 1) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".udp.read-budget",
                    udp.getReadBudget(),
                    "a read event must read at least one datagram",
                    "Set " + prefix + ".udp.read-budget to a positive number such as 64.");
        }
        if (udp.getQueueDatagrams() < 1 || udp.getQueueDatagrams() > DatagramServer.MAX_QUEUE_DATAGRAMS) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".udp.queue-datagrams",
                    udp.getQueueDatagrams(),
                    "the output queue holds from 1 to " + DatagramServer.MAX_QUEUE_DATAGRAMS
                            + " datagrams (its bookkeeping is allocated for all of them when the server opens)",
                    "Set " + prefix + ".udp.queue-datagrams to a number from 1 to " + DatagramServer.MAX_QUEUE_DATAGRAMS
                            + ", such as 1024; udp.queue-size bounds the bytes.");
        }
        if (udp.getMaxRatePerSource() < 0) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".udp.max-rate-per-source",
                    udp.getMaxRatePerSource(),
                    "a rate of datagrams per second cannot be negative",
                    "Set " + prefix + ".udp.max-rate-per-source to 0 (no limit) or a rate such as 1000.");
        }
        if (udp.getBurstPerSource() < 0) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".udp.burst-per-source",
                    udp.getBurstPerSource(),
                    "a burst of datagrams cannot be negative",
                    "Set " + prefix + ".udp.burst-per-source to 0 (one second's worth of max-rate-per-source) or "
                            + "more, such as 2000.");
        }
        DataSize size = udp.getQueueSize();
        if (size == null || size.toBytes() < 1 || size.toBytes() > Integer.MAX_VALUE) {
            throw new InvalidAsyncorePropertyException(
                    prefix + ".udp.queue-size",
                    size,
                    "the output queue's size is between 1B and 2GB",
                    "Set " + prefix + ".udp.queue-size to a size such as 1MB.");
        }
    }

    private static void refuse(String property, Object value, String reason, String prefix) {
        throw new InvalidAsyncorePropertyException(
                property,
                value,
                "a TCP-only setting on a UDP server (" + prefix + ".protocol=udp): " + reason,
                "Remove " + property + ", or set " + prefix + ".protocol to tcp.");
    }
}
