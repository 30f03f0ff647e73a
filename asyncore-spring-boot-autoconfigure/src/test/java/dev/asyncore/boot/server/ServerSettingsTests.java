package dev.asyncore.boot.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import dev.asyncore.DispatcherMap;
import dev.asyncore.handler.ConnectionListener;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import dev.asyncore.net.AddressRules;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A server's settings are one immutable value: what the factory's setters (and so the customizers) build, each group
 * checking its own values, is what the server keeps and what {@link ServerSettingsApplier} puts on the core's server.
 * Nothing here binds a socket.
 */
class ServerSettingsTests {

    private static final HandlerFactory NEVER_CALLED = (channel, peer, map) -> {
        throw new AssertionError("no connection is accepted here");
    };

    private final AsyncoreServerFactory factory =
            new AsyncoreServerFactory("echo", new InetSocketAddress("127.0.0.1", 0), NEVER_CALLED);

    @Test
    void settersLandInTheirGroups() {
        AddressRules rules = AddressRules.of(List.of("10.0.0.0/8"), List.of());
        AddressRules trusted = AddressRules.of(List.of("192.0.2.7"), null);
        this.factory.setBacklog(7);
        this.factory.setReuseAddress(false);
        this.factory.setSpread(false);
        this.factory.setMaxConnections(3);
        this.factory.setMaxConnectionsPerAddress(2);
        this.factory.setIdleTimeout(Duration.ofSeconds(9));
        this.factory.setMaxQueuedBytes(4096);
        this.factory.setAddressRules(rules);
        this.factory.setProxyProtocol(true);
        this.factory.setProxyProtocolTimeout(Duration.ofSeconds(2));
        this.factory.setProxyProtocolTrusted(trusted);

        ServerSettings settings = this.factory.getSettings();

        assertThat(settings.listen()).isEqualTo(new ServerSettings.Listen(7, false, false));
        assertThat(settings.limits()).isEqualTo(new ServerSettings.Limits(rules, 3, 2, Duration.ofSeconds(9), 4096));
        assertThat(settings.proxyProtocol())
                .isEqualTo(new ServerSettings.ProxyProtocol(true, Duration.ofSeconds(2), trusted));
        assertThat(settings.proxyProtocol().trustsAnyPeer()).isFalse();
        assertThat(settings.protocol()).isEqualTo(ServerProtocol.TCP);
        assertThat(this.factory.getBacklog()).isEqualTo(7);
        assertThat(this.factory.getMaxConnectionsPerAddress()).isEqualTo(2);
        assertThat(this.factory.getProxyProtocolTrusted()).isSameAs(trusted);
    }

    @Test
    void settingsAreFrozenWhenTheServerIsMade() {
        ConnectionListener listener = new ConnectionListener() {};
        this.factory.addConnectionListener(listener);
        this.factory.setMaxConnections(5);
        AsyncoreServer server = this.factory.getServer();

        this.factory.setMaxConnections(50);
        this.factory.addConnectionListener(new ConnectionListener() {});
        this.factory.setTls(null);

        assertThat(server.settings().limits().maxConnections()).isEqualTo(5);
        assertThat(server.settings().connectionListeners()).containsExactly(listener);
        assertThat(this.factory.getSettings().limits().maxConnections()).isEqualTo(50);
        assertThat(this.factory.getSettings().connectionListeners()).hasSize(2);
    }

    @Test
    void eachGroupRefusesAValueThatCannotWork() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.factory.setBacklog(0))
                .withMessage("backlog must be at least 1, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.factory.setMaxConnectionsPerAddress(-1))
                .withMessage("maxConnectionsPerAddress must be 0 (no limit) or more, was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.factory.setIdleTimeout(Duration.ZERO))
                .withMessage("idleTimeout must be positive, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.factory.setProxyProtocolTimeout(null))
                .withMessage("proxyProtocolTimeout must be positive, was null");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> this.factory.setUdpRateLimitPerSource(10, 0))
                .withMessage("the rate per source must be 0 or more and the burst at least 1, were 10 and 0");
        assertThat(this.factory.getSettings().listen()).isEqualTo(ServerSettings.Listen.DEFAULTS);
        assertThat(this.factory.getSettings().limits()).isEqualTo(ServerSettings.Limits.NONE);
    }

    @Test
    void aDatagramHandlerMakesAUdpServerWithoutAnOutputBudget() {
        AsyncoreServerFactory udp =
                new AsyncoreServerFactory("dns", new InetSocketAddress("127.0.0.1", 0), DatagramHandler.echo());
        udp.setQueueLimits(16, 2048);
        udp.setUdpRateLimitPerSource(100, 200);
        udp.setMaxQueuedBytes(1024);

        AsyncoreServer server = udp.getServer();

        assertThat(server.getProtocol()).isEqualTo(ServerProtocol.UDP);
        assertThat(server.settings().datagram().queueDatagrams()).isEqualTo(16);
        assertThat(server.settings().datagram().queueBytes()).isEqualTo(2048);
        assertThat(server.settings().datagram().burstPerSource()).isEqualTo(200);
        assertThat(server.getMaxQueuedBytes()).isZero();
        assertThat(server.offload()).isNull();
    }

    @Test
    void theApplierPutsEverySettingOnTheListeningDispatcherAndSharesTheBudget() {
        AddressRules trusted = AddressRules.of(List.of("192.0.2.7"), null);
        SocketOptions options = new SocketOptions(false, true, 65536, 32768);
        this.factory.setMaxConnections(4);
        this.factory.setMaxConnectionsPerAddress(2);
        this.factory.setProxyProtocol(true);
        this.factory.setProxyProtocolTimeout(Duration.ofSeconds(3));
        this.factory.setProxyProtocolTrusted(trusted);
        this.factory.setSocketOptions(options);
        this.factory.setMaxQueuedBytes(9000);
        DispatcherMap map = new DispatcherMap();
        ServerDispatcher listening = new ServerDispatcher(map, NEVER_CALLED);

        ServerSettingsApplier.apply(this.factory.getSettings(), listening, 3);

        assertThat(listening.maxConnections()).isEqualTo(4);
        assertThat(listening.maxConnectionsPerAddress()).isEqualTo(2);
        assertThat(listening.proxyProtocol()).isTrue();
        assertThat(listening.proxyProtocolTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(listening.trustedProxies()).isSameAs(trusted);
        assertThat(listening.socketOptions()).isEqualTo(options);
        assertThat(listening.tls()).isNull();
        assertThat(listening.stats().outputBudget().limit()).isEqualTo(3000);
        listening.close();
    }
}
