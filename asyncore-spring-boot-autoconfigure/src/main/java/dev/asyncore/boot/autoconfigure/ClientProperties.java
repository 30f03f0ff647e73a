package dev.asyncore.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.TlsProvider;
import dev.asyncore.handler.ClientConnectorBuilder;

/** Settings of one outbound connection kept up by the managed loop ({@code asyncore.clients.<name>.*}). */
public class ClientProperties {

    /** How a client moves through several hosts. */
    public enum Failover {
        /** Every round starts at the first host: the first is the primary, the others stand in. */
        IN_ORDER,
        /** Every round goes on from the host after the last one tried: the load spreads over the hosts. */
        ROUND_ROBIN
    }

    /** Whether to connect this client when the application is ready. */
    private boolean enabled = true;

    /** Host name or IP address of the server, with port; or use hosts for several. */
    private String host;

    /** TCP port of the server, with host. */
    private Integer port;

    /** Servers to fail over between, each "host:port" ("[::1]:7000" for IPv6), instead of host and port. */
    private List<String> hosts = new ArrayList<>();

    /** Order in which hosts are tried: in-order (first is primary) or round-robin. */
    private Failover failover = Failover.IN_ORDER;

    /** Name of the ClientHandlerFactory bean that makes the dispatcher of each connection. */
    private String handler;

    /** Longest time one connect attempt may take before it counts as a timeout. */
    private Duration connectTimeout = ClientConnectorBuilder.DEFAULT_CONNECT_TIMEOUT;

    /** Time without traffic after which the connection is closed (and made again); never when unset. */
    private Duration idleTimeout;

    private final Reconnect reconnect = new Reconnect();

    private final Ssl ssl = new Ssl();

    private final Health health = new Health();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHost() {
        return this.host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return this.port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public List<String> getHosts() {
        return this.hosts;
    }

    public void setHosts(List<String> hosts) {
        this.hosts = hosts;
    }

    public Failover getFailover() {
        return this.failover;
    }

    public void setFailover(Failover failover) {
        this.failover = failover;
    }

    public String getHandler() {
        return this.handler;
    }

    public void setHandler(String handler) {
        this.handler = handler;
    }

    public Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getIdleTimeout() {
        return this.idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Reconnect getReconnect() {
        return this.reconnect;
    }

    public Ssl getSsl() {
        return this.ssl;
    }

    public Health getHealth() {
        return this.health;
    }

    /** Back-off between attempts ({@code asyncore.clients.<name>.reconnect.*}). */
    public static class Reconnect {

        /** Whether to connect again after a failed attempt or a dropped connection. */
        private boolean enabled = true;

        /** Wait after a drop and after the first round of failed attempts. */
        private Duration initialDelay = Duration.ofSeconds(1);

        /** Growth of the wait after each further failed round; 1 or more. */
        private double multiplier = 2.0;

        /** Longest wait, before jitter. */
        private Duration maxDelay = Duration.ofSeconds(30);

        /** Largest random share added to each wait, from 0 to 1, so that many clients do not come back in step. */
        private double jitter = 0.2;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInitialDelay() {
            return this.initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public double getMultiplier() {
            return this.multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxDelay() {
            return this.maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public double getJitter() {
            return this.jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }
    }

    /** TLS of the connection ({@code asyncore.clients.<name>.ssl.*}). */
    public static class Ssl {

        /** Name of the SSL bundle (a spring.ssl.bundle.* entry) whose trust material checks the server; unset for plaintext. */
        private String bundle;

        /** Host name sent as SNI and checked against the server's certificate; the connected host when unset. */
        private String serverName;

        /** TLS implementation: auto (OpenSSL when Conscrypt is on the class path, else the JDK's), jdk or openssl. */
        private TlsProvider provider = TlsProvider.AUTO;

        /** Application protocols offered with ALPN (for example h2, http/1.1); the server picks one. */
        private List<String> applicationProtocols = new ArrayList<>();

        public List<String> getApplicationProtocols() {
            return this.applicationProtocols;
        }

        public void setApplicationProtocols(List<String> applicationProtocols) {
            this.applicationProtocols = applicationProtocols;
        }

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public String getServerName() {
            return this.serverName;
        }

        public void setServerName(String serverName) {
            this.serverName = serverName;
        }

        public TlsProvider getProvider() {
            return this.provider;
        }

        public void setProvider(TlsProvider provider) {
            this.provider = provider;
        }
    }

    /** How the client shows in health ({@code asyncore.clients.<name>.health.*}). */
    public static class Health {

        /** Whether the application is ready only while this client is connected (its health joins the readiness group). */
        private boolean readiness = true;

        public boolean isReadiness() {
            return this.readiness;
        }

        public void setReadiness(boolean readiness) {
            this.readiness = readiness;
        }
    }
}
