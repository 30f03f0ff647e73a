package dev.asyncore.boot.autoconfigure;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.asyncore.AsyncLoop;
import dev.asyncore.TlsOptions;
import dev.asyncore.TlsProvider;
import dev.asyncore.Watermarks;
import dev.asyncore.boot.server.ServerProtocol;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the managed asyncore loop and of the servers and clients it runs, bound from {@code asyncore.*}.
 *
 * <p>Bound once at startup on the thread that refreshes the context; read-only afterwards.
 */
@ConfigurationProperties("asyncore")
public class AsyncoreProperties {

    /** Whether to run the managed asyncore loop and its servers. */
    private boolean enabled = true;

    private final Loop loop = new Loop();

    private final Shutdown shutdown = new Shutdown();

    @NestedConfigurationProperty
    private final OffloadProperties offload = new OffloadProperties();

    /** Servers to bind at startup, by name. */
    private final Map<String, Server> servers = new LinkedHashMap<>();

    /** Outbound connections to make when the application is ready and keep up, by name. */
    private final Map<String, ClientProperties> clients = new LinkedHashMap<>();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Loop getLoop() {
        return this.loop;
    }

    public Shutdown getShutdown() {
        return this.shutdown;
    }

    public OffloadProperties getOffload() {
        return this.offload;
    }

    public Map<String, Server> getServers() {
        return this.servers;
    }

    public Map<String, ClientProperties> getClients() {
        return this.clients;
    }

    /** Settings of the loop thread ({@code asyncore.loop.*}). */
    public static class Loop {

        /** Longest time one select or poll pass waits for readiness. */
        private Duration timeout = AsyncLoop.DEFAULT_TIMEOUT;

        /** Whether to dispatch as asyncore's poll() does (readable/writable re-asked each pass) instead of select(). */
        private boolean usePoll;

        /** Name of the loop thread. */
        private String threadName = "asyncore-loop";

        /**
         * Number of loop threads: a number of 1 or more, or "auto" for one per available processor. With more than one,
         * the threads are named thread-name-0, thread-name-1, ...
         */
        private String threads = "1";

        /**
         * How long one handler call (event, task or timer) may hold a loop before the loop logs a WARN with the loop thread's
         * stack; 0 turns the watchdog off.
         */
        private Duration blockedWarning = AsyncLoop.DEFAULT_BLOCKED_WARNING;

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isUsePoll() {
            return this.usePoll;
        }

        public void setUsePoll(boolean usePoll) {
            this.usePoll = usePoll;
        }

        public String getThreadName() {
            return this.threadName;
        }

        public void setThreadName(String threadName) {
            this.threadName = threadName;
        }

        public String getThreads() {
            return this.threads;
        }

        public void setThreads(String threads) {
            this.threads = threads;
        }

        public Duration getBlockedWarning() {
            return this.blockedWarning;
        }

        public void setBlockedWarning(Duration blockedWarning) {
            this.blockedWarning = blockedWarning;
        }
    }

    /** Settings of graceful shutdown ({@code asyncore.shutdown.*}). */
    public static class Shutdown {

        /** Longest time open connections may take to finish once shutdown began; the rest are then closed. */
        private Duration timeout = Duration.ofSeconds(30);

        public Duration getTimeout() {
            return this.timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Settings of one server ({@code asyncore.servers.<name>.*}). */
    public static class Server {

        /** Whether to bind this server at startup. */
        private boolean enabled = true;

        /** Transport: "tcp" (listens and accepts connections) or "udp" (one bound datagram socket). */
        private ServerProtocol protocol = ServerProtocol.TCP;

        /** Network address to bind to; all interfaces when unset. */
        private InetAddress address;

        /** TCP port to listen on; 0 picks a free port. */
        private Integer port;

        /** Path of a UNIX-domain socket to listen on, instead of an address and port. */
        private Path path;

        /** Handler for accepted channels: "echo", or the name of a HandlerFactory bean or of a prototype Dispatcher bean. */
        private String handler = "echo";

        /** Maximum length of the queue of pending connections. */
        private int backlog = ServerDispatcher.DEFAULT_BACKLOG;

        /** Whether to set SO_REUSEADDR on the listening socket. */
        private boolean reuseAddress = true;

        /** Whether to set TCP_NODELAY on accepted channels (disables Nagle's algorithm). */
        private boolean tcpNoDelay = true;

        /** Whether to set SO_KEEPALIVE on accepted channels. */
        private boolean keepAlive;

        /** SO_RCVBUF of accepted channels; the system default when unset. */
        private DataSize receiveBufferSize;

        /** SO_SNDBUF of accepted channels; the system default when unset. */
        private DataSize sendBufferSize;

        /** Maximum number of open accepted channels; past it new connections are closed at once. 0 means no limit. */
        private int maxConnections;

        /** Time without traffic after which an accepted channel is closed; never when unset. */
        private Duration idleTimeout;

        /**
         * Whether each connection begins with a PROXY protocol header (v1 or v2) from a load balancer; the handler then sees
         * the client's address, and a connection without a valid header is closed.
         */
        private boolean proxyProtocol;

        /**
         * Whether to publish an application event for each connection opened and closed (AsyncoreConnectionOpenedEvent,
         * AsyncoreConnectionClosedEvent with the cause), on the loop thread.
         */
        private boolean connectionEvents;

        /** Longest time a connection may take to send its PROXY protocol header; past it, it is closed. */
        private Duration proxyProtocolTimeout = ServerDispatcher.DEFAULT_PROXY_PROTOCOL_TIMEOUT;

        /** Addresses or CIDR networks (IPv4 or IPv6) of the clients to admit; every client when empty. */
        private List<String> allow = new ArrayList<>();

        /** Addresses or CIDR networks (IPv4 or IPv6) of the clients to refuse; deny wins over allow. */
        private List<String> deny = new ArrayList<>();

        /** Whether to spread connections over every loop (asyncore.loop.threads); false keeps them on the first loop. */
        private boolean spread = true;

        /**
         * Most bytes all accepted channels together may hold queued for output; past it the channels holding the most are
         * closed as slow consumers. Default: an eighth of the maximum heap (-Xmx), at most 64MB.
         */
        private DataSize maxQueuedBytes;

        /**
         * Addresses or CIDR networks of the load balancers trusted to send the PROXY protocol header; a connection from any
         * other address is refused before its header is read. Any peer when empty (a WARN at startup says so).
         */
        private List<String> proxyProtocolTrusted = new ArrayList<>();

        /** Maximum number of open connections per client address (the PROXY header's when that is on); 0 means none. */
        private int maxConnectionsPerAddress;

        private final Echo echo = new Echo();

        private final Udp udp = new Udp();

        private final Ssl ssl = new Ssl();

        @NestedConfigurationProperty
        private final ServerOffloadProperties offload = new ServerOffloadProperties();

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public InetAddress getAddress() {
            return this.address;
        }

        public void setAddress(InetAddress address) {
            this.address = address;
        }

        public Integer getPort() {
            return this.port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public Path getPath() {
            return this.path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        public String getHandler() {
            return this.handler;
        }

        public void setHandler(String handler) {
            this.handler = handler;
        }

        public int getBacklog() {
            return this.backlog;
        }

        public void setBacklog(int backlog) {
            this.backlog = backlog;
        }

        public boolean isReuseAddress() {
            return this.reuseAddress;
        }

        public void setReuseAddress(boolean reuseAddress) {
            this.reuseAddress = reuseAddress;
        }

        public boolean isTcpNoDelay() {
            return this.tcpNoDelay;
        }

        public void setTcpNoDelay(boolean tcpNoDelay) {
            this.tcpNoDelay = tcpNoDelay;
        }

        public boolean isKeepAlive() {
            return this.keepAlive;
        }

        public void setKeepAlive(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }

        public DataSize getReceiveBufferSize() {
            return this.receiveBufferSize;
        }

        public void setReceiveBufferSize(DataSize receiveBufferSize) {
            this.receiveBufferSize = receiveBufferSize;
        }

        public DataSize getSendBufferSize() {
            return this.sendBufferSize;
        }

        public void setSendBufferSize(DataSize sendBufferSize) {
            this.sendBufferSize = sendBufferSize;
        }

        public int getMaxConnections() {
            return this.maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public Duration getIdleTimeout() {
            return this.idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public boolean isSpread() {
            return this.spread;
        }

        public void setSpread(boolean spread) {
            this.spread = spread;
        }

        public boolean isConnectionEvents() {
            return this.connectionEvents;
        }

        public void setConnectionEvents(boolean connectionEvents) {
            this.connectionEvents = connectionEvents;
        }

        public boolean isProxyProtocol() {
            return this.proxyProtocol;
        }

        public void setProxyProtocol(boolean proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
        }

        public Duration getProxyProtocolTimeout() {
            return this.proxyProtocolTimeout;
        }

        public void setProxyProtocolTimeout(Duration proxyProtocolTimeout) {
            this.proxyProtocolTimeout = proxyProtocolTimeout;
        }

        public List<String> getAllow() {
            return this.allow;
        }

        public void setAllow(List<String> allow) {
            this.allow = allow;
        }

        public List<String> getDeny() {
            return this.deny;
        }

        public void setDeny(List<String> deny) {
            this.deny = deny;
        }

        public Ssl getSsl() {
            return this.ssl;
        }

        public Echo getEcho() {
            return this.echo;
        }

        public ServerProtocol getProtocol() {
            return this.protocol;
        }

        public void setProtocol(ServerProtocol protocol) {
            this.protocol = protocol;
        }

        public Udp getUdp() {
            return this.udp;
        }

        public ServerOffloadProperties getOffload() {
            return this.offload;
        }

        public List<String> getProxyProtocolTrusted() {
            return this.proxyProtocolTrusted;
        }

        public void setProxyProtocolTrusted(List<String> proxyProtocolTrusted) {
            this.proxyProtocolTrusted = proxyProtocolTrusted;
        }

        public int getMaxConnectionsPerAddress() {
            return this.maxConnectionsPerAddress;
        }

        public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        }

        public DataSize getMaxQueuedBytes() {
            return this.maxQueuedBytes;
        }

        public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
        }

        /**
         * The output budget when {@code max-queued-bytes} is unset: an eighth of the maximum heap, at most 64MB, so that
         * a few servers under attack together stay well within a small heap.
         *
         * @return the default budget in bytes
         */
        public static long defaultMaxQueuedBytes() {
            return Math.min(DEFAULT_MAX_QUEUED_BYTES_CAP, Runtime.getRuntime().maxMemory() / 8);
        }
    }

    /** The most {@link Server#defaultMaxQueuedBytes()} gives: 64MB. */
    static final long DEFAULT_MAX_QUEUED_BYTES_CAP = 64L * 1024 * 1024;

    /** Bounds of a UDP server ({@code asyncore.servers.<name>.udp.*}). */
    public static class Udp {

        /** Most datagrams read per read event, so that a flood cannot starve the loop's other channels. */
        private int readBudget = DatagramServer.DEFAULT_READ_BUDGET;

        /** Most replies waiting for the socket; past it replies are dropped and counted. */
        private int queueDatagrams = DatagramServer.DEFAULT_QUEUE_DATAGRAMS;

        /** Most bytes of replies waiting for the socket; past it replies are dropped and counted. */
        private DataSize queueSize = DataSize.ofBytes(DatagramServer.DEFAULT_QUEUE_BYTES);

        /** Datagrams a second one source address may have answered; past it they are dropped and counted. 0 means none. */
        private int maxRatePerSource;

        /** Datagrams one source address may send at once above max-rate-per-source; 0 means one second's worth. */
        private int burstPerSource;

        public int getReadBudget() {
            return this.readBudget;
        }

        public void setReadBudget(int readBudget) {
            this.readBudget = readBudget;
        }

        public int getQueueDatagrams() {
            return this.queueDatagrams;
        }

        public void setQueueDatagrams(int queueDatagrams) {
            this.queueDatagrams = queueDatagrams;
        }

        public DataSize getQueueSize() {
            return this.queueSize;
        }

        public void setQueueSize(DataSize queueSize) {
            this.queueSize = queueSize;
        }

        public int getMaxRatePerSource() {
            return this.maxRatePerSource;
        }

        public void setMaxRatePerSource(int maxRatePerSource) {
            this.maxRatePerSource = maxRatePerSource;
        }

        public int getBurstPerSource() {
            return this.burstPerSource;
        }

        public void setBurstPerSource(int burstPerSource) {
            this.burstPerSource = burstPerSource;
        }
    }

    /** Output bounds of the built-in echo handler ({@code asyncore.servers.<name>.echo.*}). */
    public static class Echo {

        /** Queued output above which the handler stops reading from its client. */
        private DataSize highWatermark = DataSize.ofBytes(EchoHandler.DEFAULT_WATERMARKS.high());

        /** Queued output below which the handler reads from its client again. */
        private DataSize lowWatermark = DataSize.ofBytes(EchoHandler.DEFAULT_WATERMARKS.low());

        public DataSize getHighWatermark() {
            return this.highWatermark;
        }

        public void setHighWatermark(DataSize highWatermark) {
            this.highWatermark = highWatermark;
        }

        public DataSize getLowWatermark() {
            return this.lowWatermark;
        }

        public void setLowWatermark(DataSize lowWatermark) {
            this.lowWatermark = lowWatermark;
        }

        /**
         * Returns the bounds as the core's type, once {@link AsyncorePropertiesValidator} has checked them. Any thread.
         *
         * @return the watermarks
         * @throws IllegalArgumentException when the low watermark is above the high one
         */
        public Watermarks watermarks() {
            return Watermarks.of((int) this.lowWatermark.toBytes(), (int) this.highWatermark.toBytes());
        }
    }

    /** TLS of one server: {@code asyncore.servers.<name>.ssl.*}. */
    public static class Ssl {

        /** Name of the SSL bundle (a spring.ssl.bundle.* entry) whose certificate the server presents; unset for plaintext. */
        private String bundle;

        /** Whether the server asks clients for a certificate: none, want (served without one) or need (refused without). */
        private TlsOptions.ClientAuth clientAuth = TlsOptions.ClientAuth.NONE;

        /** How long a client may take to finish the TLS handshake before it is closed. */
        private Duration handshakeTimeout = TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT;

        /** TLS implementation: auto (OpenSSL when Conscrypt is on the class path, else the JDK's), jdk or openssl. */
        private TlsProvider provider = TlsProvider.AUTO;

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public TlsOptions.ClientAuth getClientAuth() {
            return this.clientAuth;
        }

        public void setClientAuth(TlsOptions.ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
        }

        public Duration getHandshakeTimeout() {
            return this.handshakeTimeout;
        }

        public void setHandshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
        }

        public TlsProvider getProvider() {
            return this.provider;
        }

        public void setProvider(TlsProvider provider) {
            this.provider = provider;
        }
    }
}
