package dev.asyncore.boot.autoconfigure;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.Dispatcher;
import dev.asyncore.boot.server.AsyncoreServerFactory;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.UnknownHandlerException;
import dev.asyncore.handler.DatagramDispatcherFactory;
import dev.asyncore.handler.DatagramHandler;
import dev.asyncore.handler.SocketOptions;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Turns {@code asyncore.servers.<name>.*} with {@code protocol: udp} into {@link AsyncoreServerFactory} settings, resolving
 * the handler: {@code echo}, a {@link DatagramHandler} bean or a {@link DatagramDispatcherFactory} bean. The values (no
 * TCP-only setting, {@code udp.*} within bounds) have been checked before. Used on the context-refresh thread.
 */
final class DatagramServerFactories {

    private DatagramServerFactories() {}

    static AsyncoreServerFactory create(String name, AsyncoreProperties.Server server, ListableBeanFactory beans) {
        AsyncoreServerFactory factory = handler(name, server, AsyncoreServerFactories.address(server), beans);
        AsyncoreProperties.Udp udp = server.getUdp();
        factory.setReadBudget(udp.getReadBudget());
        factory.setQueueLimits(udp.getQueueDatagrams(), (int) udp.getQueueSize().toBytes());
        int rate = udp.getMaxRatePerSource();
        factory.setUdpRateLimitPerSource(rate, udp.getBurstPerSource() == 0 ? rate : udp.getBurstPerSource());
        factory.setSocketOptions(new SocketOptions(
                SocketOptions.DEFAULTS.tcpNoDelay(),
                SocketOptions.DEFAULTS.keepAlive(),
                AsyncoreServerFactories.bytes(server.getReceiveBufferSize()),
                AsyncoreServerFactories.bytes(server.getSendBufferSize())));
        return factory;
    }

    private static AsyncoreServerFactory handler(
            String name, AsyncoreProperties.Server server, SocketAddress address, ListableBeanFactory beans) {
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
}
