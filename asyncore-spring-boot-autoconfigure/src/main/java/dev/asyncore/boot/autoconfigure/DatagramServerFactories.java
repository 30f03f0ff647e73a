package dev.asyncore.boot.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.Dispatcher;
import dev.asyncore.boot.server.AsyncoreServerFactory;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.UnknownHandlerException;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@code asyncore.servers.<name>.*} with {@code protocol: udp} into {@link AsyncoreServerFactory} settings: refuses the
 * settings that only a TCP server has, checks the {@code udp.*} bounds and resolves the handler ({@code echo}, a
 * {@link DatagramHandler} bean or a {@link DatagramDispatcherFactory} bean). Used on the context-refresh thread.
 */
final class DatagramServerFactories {

    private DatagramServerFactories() {}

    static AsyncoreServerFactory create(String name, AsyncoreProperties.Server server, ListableBeanFactory beans) {
        validate(name, server);
        AsyncorePropertiesValidator.validateServer(name, server);
        InetAddress host = server.getAddress();
        InetSocketAddress address =
                host == null ? new InetSocketAddress(server.getPort()) : new InetSocketAddress(host, server.getPort());
        AsyncoreServerFactory factory = handler(name, server, address, beans);
        AsyncoreProperties.Udp udp = server.getUdp();
        factory.setReadBudget(udp.getReadBudget());
        factory.setQueueLimits(udp.getQueueDatagrams(), (int) udp.getQueueSize().toBytes());
        int rate = udp.getMaxRatePerSource();
        factory.setUdpRateLimitPerSource(rate, udp.getBurstPerSource() == 0 ? rate : udp.getBurstPerSource());
        factory.setSocketOptions(new SocketOptions(
                SocketOptions.DEFAULTS.tcpNoDelay(),
                SocketOptions.DEFAULTS.keepAlive(),
                bytes(server.getReceiveBufferSize()),
                bytes(server.getSendBufferSize())));
        return factory;
    }

    private static AsyncoreServerFactory handler(
            String name, AsyncoreProperties.Server server, InetSocketAddress address, ListableBeanFactory beans) {
        String property = "asyncore.servers." + name + ".handler";
        String handler = server.getHandler();
        if (AsyncoreServerFactories.ECHO.equals(handler)) {
            return new AsyncoreServerFactory(name, address, DatagramHandler.echo());
        }
        if (handler != null && !handler.isBlank() && beans.containsBean(handler)) {
            if (beans.isTypeMatch(handler, DatagramHandler.class)) {
                return new AsyncoreServerFactory(name, address, beans.getBean(handler, DatagramHandler.class));
            }
            if (beans.isTypeMatch(handler, DatagramDispatcherFactory.class)) {
                return new AsyncoreServerFactory(
                        name, address, beans.getBean(handler, DatagramDispatcherFactory.class));
            }
            if (beans.isTypeMatch(handler, Dispatcher.class)) {
                throw new InvalidAsyncorePropertyException(
                        property,
                        handler,
                        "a UDP server is served by one dispatcher on its bound socket, which the server makes once "
                                + "the socket is bound; bean '" + handler + "' is a Dispatcher bean",
                        "Declare bean '" + handler + "' as a dev.asyncore.handler.DatagramDispatcherFactory, for "
                                + "example @Bean DatagramDispatcherFactory " + handler
                                + "() { return (channel, map) -> new MyDispatcher(channel, map); }, or as a "
                                + "dev.asyncore.handler.DatagramHandler that answers each datagram.");
            }
        }
        throw new UnknownHandlerException(property, handler, candidates(beans));
    }

    private static List<String> candidates(ListableBeanFactory beans) {
        List<String> names = new ArrayList<>();
        names.add(AsyncoreServerFactories.ECHO);
        names.addAll(List.of(beans.getBeanNamesForType(DatagramHandler.class)));
        names.addAll(List.of(beans.getBeanNamesForType(DatagramDispatcherFactory.class)));
        return names;
    }

    private static void validate(String name, AsyncoreProperties.Server server) {
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

    private static int bytes(DataSize size) {
        return size == null ? 0 : (int) size.toBytes();
    }
}
