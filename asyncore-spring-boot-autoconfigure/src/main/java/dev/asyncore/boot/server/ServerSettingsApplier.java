package dev.asyncore.boot.server;

import dev.asyncore.OutputBudget;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.GroupServer;
import dev.asyncore.handler.ServerDispatcher;

/**
 * Applies a server's {@link ServerSettings} to the core's servers: the one place where each setting reaches a
 * {@link ServerDispatcher} (each loop's part of a {@link GroupServer} alike) or a {@link DatagramServer}; a factory's
 * datagram socket gets its buffer sizes as {@code DatagramDispatcherFactory.serve} binds it.
 * Called by {@link AsyncoreServer#start} on the thread that opens the server, before it binds.
 */
final class ServerSettingsApplier {

    private ServerSettingsApplier() {}

    /**
     * Applies a TCP or UNIX-domain server's settings to one listening dispatcher.
     *
     * @param settings the server's settings
     * @param server the listening dispatcher, not yet open
     * @param budgetShares the loops the server's connections are spread over: each gets this share of the output budget
     */
    static void apply(ServerSettings settings, ServerDispatcher server, int budgetShares) {
        ServerSettings.Limits limits = settings.limits();
        ServerSettings.ProxyProtocol proxy = settings.proxyProtocol();
        server.setSocketOptions(settings.socketOptions());
        if (limits.maxConnections() > 0) {
            server.setMaxConnections(limits.maxConnections());
        }
        server.setIdleTimeout(limits.idleTimeout());
        server.setProxyProtocol(proxy.enabled());
        server.setProxyProtocolTimeout(proxy.timeout());
        server.setAddressRules(limits.addressRules());
        server.setTrustedProxies(proxy.trusted());
        server.setMaxConnectionsPerAddress(limits.maxConnectionsPerAddress());
        server.setTls(settings.tls());
        if (settings.offloading().offload() != null) {
            server.setOffload(settings.offloading().offload());
        }
        settings.connectionListeners().forEach(server::addConnectionListener);
        if (limits.maxQueuedBytes() > 0) {
            server.stats().setOutputBudget(new OutputBudget(Math.max(1, limits.maxQueuedBytes() / budgetShares)));
        }
    }

    /**
     * Applies a UDP server's settings to the {@link DatagramServer} that serves its handler.
     *
     * @param settings the server's settings
     * @param server the datagram server, not yet open
     */
    static void apply(ServerSettings settings, DatagramServer server) {
        ServerSettings.Datagram datagram = settings.datagram();
        server.setReadBudget(datagram.readBudget());
        server.setQueueLimits(datagram.queueDatagrams(), datagram.queueBytes());
        server.setRateLimitPerSource(datagram.maxRatePerSource(), datagram.burstPerSource());
        server.setReceiveBufferSize(settings.socketOptions().receiveBufferSize());
        server.setSendBufferSize(settings.socketOptions().sendBufferSize());
    }
}
