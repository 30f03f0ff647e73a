package dev.asyncore.boot.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.asyncore.Dispatcher;
import dev.asyncore.TlsOptions;
import dev.asyncore.Watermarks;
import dev.asyncore.boot.context.AsyncoreConnectionEventPublisher;
import dev.asyncore.boot.server.AsyncoreServerFactory;
import dev.asyncore.boot.server.AsyncoreSslBundles;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.ServerProtocol;
import dev.asyncore.boot.server.UnknownHandlerException;
import dev.asyncore.boot.server.UnknownSslBundleException;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.handler.SocketOptions;
import dev.asyncore.net.AddressRules;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContext;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@code asyncore.servers.<name>.*} into {@link AsyncoreServerFactory} settings, resolving each server's handler, SSL
 * bundle and offload among the application's beans. The auto-configuration has checked the values first; what is left to
 * fail here is a name that no bean answers to. Used once, on the context-refresh thread.
 */
final class AsyncoreServerFactories {

    static final String ECHO = "echo";

    private final AsyncoreProperties properties;

    private final ListableBeanFactory beanFactory;

    private final ApplicationContext context;

    private final AsyncoreOffloads offloads;

    /**
     * Prepares the binding of the servers under {@code properties}, once their values have been checked.
     *
     * @param properties the bound {@code asyncore.*} properties
     * @param beanFactory where handlers and executors are looked up by name
     * @param context where SSL bundles are found and connection events are published
     */
    AsyncoreServerFactories(
            AsyncoreProperties properties, ListableBeanFactory beanFactory, ApplicationContext context) {
        this.properties = properties;
        this.beanFactory = beanFactory;
        this.context = context;
        this.offloads = new AsyncoreOffloads(properties, beanFactory);
    }

    /**
     * Makes the settings of every enabled server, in declaration order; customizers have not run yet.
     *
     * @return one factory per enabled server
     * @throws UnknownHandlerException when a handler names no suitable bean
     * @throws UnknownSslBundleException when an {@code ssl.bundle} or a {@code ssl.server-name-bundles} entry names no
     *     bundle
     * @throws InvalidAsyncorePropertyException when a bean cannot serve as what a property names it for
     */
    List<AsyncoreServerFactory> create() {
        List<AsyncoreServerFactory> factories = new ArrayList<>();
        for (Map.Entry<String, AsyncoreProperties.Server> entry :
                this.properties.getServers().entrySet()) {
            AsyncoreProperties.Server server = entry.getValue();
            if (server.isEnabled()) {
                factories.add(create(entry.getKey(), server));
            }
        }
        return factories;
    }

    private AsyncoreServerFactory create(String name, AsyncoreProperties.Server server) {
        if (server.getProtocol() == ServerProtocol.UDP) {
            return DatagramServerFactories.create(name, server, this.beanFactory);
        }
        AsyncoreServerFactory factory = new AsyncoreServerFactory(name, address(server), handler(name, server));
        factory.setBacklog(server.getBacklog());
        factory.setReuseAddress(server.isReuseAddress());
        factory.setSpread(server.isSpread());
        factory.setMaxConnections(server.getMaxConnections());
        factory.setIdleTimeout(server.getIdleTimeout());
        factory.setProxyProtocol(server.isProxyProtocol());
        factory.setProxyProtocolTimeout(server.getProxyProtocolTimeout());
        factory.setAddressRules(AddressRules.of(server.getAllow(), server.getDeny()));
        factory.setProxyProtocolTrusted(AddressRules.of(server.getProxyProtocolTrusted(), null));
        factory.setMaxConnectionsPerAddress(server.getMaxConnectionsPerAddress());
        if (server.isConnectionEvents()) {
            factory.addConnectionListener(new AsyncoreConnectionEventPublisher(this.context, name));
        }
        factory.setTls(tls(name, server.getSsl()));
        factory.setMaxQueuedBytes(
                server.getMaxQueuedBytes() != null
                        ? server.getMaxQueuedBytes().toBytes()
                        : AsyncoreProperties.Server.defaultMaxQueuedBytes());
        this.offloads.configure(name, server, factory);
        factory.setSocketOptions(new SocketOptions(
                server.isTcpNoDelay(),
                server.isKeepAlive(),
                bytes(server.getReceiveBufferSize()),
                bytes(server.getSendBufferSize())));
        return factory;
    }

    /** The server's TLS options from its bundle (and one per server name), or null for plaintext. */
    private TlsOptions tls(String name, ServerSslProperties ssl) {
        String bundle = ssl.getBundle();
        if (bundle == null) {
            return null;
        }
        String property = "asyncore.servers." + name + ".ssl.bundle";
        AsyncoreSslBundles bundles =
                this.context.getBeanProvider(AsyncoreSslBundles.class).getIfAvailable();
        if (bundles == null || !bundles.bundleNames().contains(bundle)) {
            throw new UnknownSslBundleException(property, bundle, bundles == null ? List.of() : bundles.bundleNames());
        }
        TlsOptions options = bundles.options(bundle, ssl.getProvider())
                .withClientAuth(ssl.getClientAuth())
                .withHandshakeTimeout(ssl.getHandshakeTimeout())
                .withApplicationProtocols(ssl.getApplicationProtocols().toArray(String[]::new));
        List<ServerSslProperties.ServerNameSslBundle> names = ssl.getServerNameBundles();
        for (int i = 0; i < names.size(); i++) {
            // each name's options follow their own bundle's reloads
            String nameBundle = names.get(i).getBundle();
            if (!bundles.bundleNames().contains(nameBundle)) {
                throw new UnknownSslBundleException(
                        "asyncore.servers." + name + ".ssl.server-name-bundles[" + i + "].bundle",
                        nameBundle,
                        bundles.bundleNames());
            }
            options = options.withServerName(
                    names.get(i).getServerName(), bundles.options(nameBundle, ssl.getProvider()));
        }
        return options;
    }

    /** A size in bytes as a socket option takes it, 0 for the system's default. */
    static int bytes(DataSize size) {
        return size == null ? 0 : (int) size.toBytes();
    }

    /** Where the server binds: its UNIX-domain path, else its address (the wildcard when unset) and port. */
    static SocketAddress address(AsyncoreProperties.Server server) {
        if (server.getPath() != null) {
            return UnixDomainSocketAddress.of(server.getPath());
        }
        InetAddress address = server.getAddress();
        return address == null
                ? new InetSocketAddress(server.getPort())
                : new InetSocketAddress(address, server.getPort());
    }

    private HandlerFactory handler(String name, AsyncoreProperties.Server server) {
        String property = "asyncore.servers." + name + ".handler";
        String handler = server.getHandler();
        if (handler == null || handler.isBlank()) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    handler,
                    "every server needs a handler",
                    "Set " + property + " to echo or to the name of a handler bean.");
        }
        if (ECHO.equals(handler)) {
            return echo(server.getEcho());
        }
        if (this.beanFactory.containsBean(handler)) {
            if (this.beanFactory.isTypeMatch(handler, HandlerFactory.class)) {
                return this.beanFactory.getBean(handler, HandlerFactory.class);
            }
            if (this.beanFactory.isTypeMatch(handler, Dispatcher.class)) {
                return prototypeDispatcher(property, handler);
            }
        }
        throw new UnknownHandlerException(property, handler, candidates());
    }

    private HandlerFactory prototypeDispatcher(String property, String handler) {
        if (!this.beanFactory.isPrototype(handler)) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    handler,
                    "bean '" + handler
                            + "' is a singleton Dispatcher, but a handler needs a new dispatcher for each connection",
                    "Declare bean '" + handler
                            + "' with @Scope(\"prototype\") and a (SocketChannel, DispatcherMap) constructor, "
                            + "or make it a dev.asyncore.handler.HandlerFactory.");
        }
        if (hasInstanceSupplier(handler)) {
            throw new InvalidAsyncorePropertyException(
                    property,
                    handler,
                    "bean '" + handler + "' is a prototype Dispatcher whose bean definition has an instance supplier, "
                            + "as every bean of an AOT-processed application (and of a native image) has; the handler "
                            + "would call getBean(name, channel, map), and explicit arguments bypass that supplier: "
                            + "its @Bean method would not run, nor its field and method injection (Spring "
                            + "Framework issue 32690)",
                    "Declare bean '" + handler + "' as a dev.asyncore.handler.HandlerFactory instead, for example "
                            + "@Bean HandlerFactory " + handler
                            + "(MyService service) { return (channel, peer, map) -> "
                            + "new MyHandler(channel, map, service); }: it works with and without AOT.");
        }
        ListableBeanFactory beans = this.beanFactory;
        return (channel, address, map) -> (Dispatcher) beans.getBean(handler, channel, map);
    }

    /**
     * Whether the bean is created by an instance supplier, which {@code getBean(name, args)} does not call: AOT generates
     * one for every bean (spring-framework#32690); so does a functional registration such as
     * {@code registerBean(Class, Supplier)}.
     */
    private boolean hasInstanceSupplier(String name) {
        return this.beanFactory instanceof ConfigurableListableBeanFactory factory
                && factory.getMergedBeanDefinition(name) instanceof RootBeanDefinition definition
                && definition.getInstanceSupplier() != null;
    }

    private List<String> candidates() {
        List<String> names = new ArrayList<>();
        names.add(ECHO);
        names.addAll(List.of(this.beanFactory.getBeanNamesForType(HandlerFactory.class)));
        for (String name : this.beanFactory.getBeanNamesForType(Dispatcher.class, true, false)) {
            if (this.beanFactory.isPrototype(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static HandlerFactory echo(AsyncoreProperties.Echo echo) {
        Watermarks watermarks = echo.watermarks();
        return (channel, address, map) -> new EchoHandler(channel, map, watermarks);
    }
}
