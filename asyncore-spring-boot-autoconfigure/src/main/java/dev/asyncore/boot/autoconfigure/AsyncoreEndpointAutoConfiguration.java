package dev.asyncore.boot.autoconfigure;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.actuate.AsyncoreEndpoint;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.boot.server.AsyncoreServers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code asyncore} Actuator endpoint. Backs off without Actuator, without a managed loop, or when the
 * endpoint is not available (disabled or not exposed).
 */
@AutoConfiguration(after = AsyncoreAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, AsyncLoop.class})
@ConditionalOnBean(AsyncLoop.class)
@ConditionalOnAvailableEndpoint(AsyncoreEndpoint.class)
public final class AsyncoreEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AsyncoreEndpoint asyncoreEndpoint(
            AsyncLoop loop,
            ObjectProvider<AsyncoreServers> servers,
            ObjectProvider<AsyncLoopGroup> group,
            ObjectProvider<AsyncoreClients> clients) {
        AsyncoreEndpoint endpoint = new AsyncoreEndpoint(loop, servers.getIfAvailable(), group.getIfAvailable());
        endpoint.setClients(clients.getIfAvailable());
        return endpoint;
    }
}
