package dev.asyncore.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.asyncore.AsyncLoop;
import dev.asyncore.TlsOptions;
import dev.asyncore.boot.client.AsyncoreClient;
import dev.asyncore.boot.server.AsyncoreSslBundles;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.UnknownSslBundleException;
import dev.asyncore.handler.ClientConnector;
import dev.asyncore.handler.ClientConnectorBuilder;
import dev.asyncore.handler.ClientHandlerFactory;
import dev.asyncore.handler.ReconnectPolicy;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Turns {@code asyncore.clients.<name>.*} into {@link ClientConnector}s on the managed loop, resolving each client's
 * handler bean and SSL bundle. Runs once on the context-refresh thread, after {@link ClientPropertiesValidator}; the
 * host settings are bound again on the loop thread each time a client starts.
 */
final class AsyncoreClientConnectors {

    private final ListableBeanFactory beanFactory;
    private final AsyncoreSslBundles sslBundles;
    private final Environment environment;

    AsyncoreClientConnectors(ListableBeanFactory beanFactory, AsyncoreSslBundles sslBundles, Environment environment) {
        this.beanFactory = beanFactory;
        this.sslBundles = sslBundles;
        this.environment = environment;
    }

    List<AsyncoreClient> create(Map<String, ClientProperties> clients, AsyncLoop loop) {
        List<AsyncoreClient> made = new ArrayList<>();
        clients.forEach((name, client) -> {
            if (client.isEnabled()) {
                made.add(new AsyncoreClient(
                        connector(name, client, loop), client.getHealth().isReadiness()));
            }
        });
        return made;
    }

    private ClientConnector connector(String name, ClientProperties client, AsyncLoop loop) {
        String prefix = "asyncore.clients." + name + ".";
        ClientConnectorBuilder builder = ClientConnector.builder(name, loop)
                .handler(handler(prefix + "handler", client.getHandler()))
                .roundRobin(client.getFailover() == ClientProperties.Failover.ROUND_ROBIN)
                .connectTimeout(client.getConnectTimeout())
                .idleTimeout(client.getIdleTimeout())
                .reconnect(reconnect(client.getReconnect()));
        for (InetSocketAddress address : ClientPropertiesValidator.addresses(prefix, client)) {
            builder.address(address);
        }
        // Read again as the client starts, after the servers bound: a port such as
        // ${local.asyncore.servers.echo.port:7007} then names the port the server of this application got.
        builder.addresses(() -> ClientPropertiesValidator.addresses(
                prefix, Binder.get(this.environment).bindOrCreate("asyncore.clients." + name, ClientProperties.class)));
        String bundle = client.getSsl().getBundle();
        if (bundle != null) {
            String property = prefix + "ssl.bundle";
            if (this.sslBundles == null || !this.sslBundles.bundleNames().contains(bundle)) {
                throw new UnknownSslBundleException(
                        property, bundle, this.sslBundles == null ? List.of() : this.sslBundles.bundleNames());
            }
            String serverName = client.getSsl().getServerName();
            TlsOptions options = this.sslBundles
                    .options(bundle, client.getSsl().getProvider())
                    .withApplicationProtocols(
                            client.getSsl().getApplicationProtocols().toArray(String[]::new));
            if (serverName == null) {
                builder.tls(options);
            } else {
                builder.tls(options, serverName);
            }
        }
        return builder.build();
    }

    private static ReconnectPolicy reconnect(ClientProperties.Reconnect reconnect) {
        if (!reconnect.isEnabled()) {
            return ReconnectPolicy.NONE;
        }
        return ReconnectPolicy.of(
                reconnect.getInitialDelay(), reconnect.getMultiplier(), reconnect.getMaxDelay(), reconnect.getJitter());
    }

    private ClientHandlerFactory handler(String property, String handler) {
        if (this.beanFactory.containsBean(handler)
                && this.beanFactory.isTypeMatch(handler, ClientHandlerFactory.class)) {
            return this.beanFactory.getBean(handler, ClientHandlerFactory.class);
        }
        List<String> candidates = Arrays.asList(this.beanFactory.getBeanNamesForType(ClientHandlerFactory.class));
        throw new InvalidAsyncorePropertyException(
                property,
                handler,
                "no ClientHandlerFactory bean named '" + handler + "' exists",
                "Set " + property + " to one of " + candidates + ", or declare a bean named '" + handler
                        + "' that is a dev.asyncore.handler.ClientHandlerFactory.");
    }
}
