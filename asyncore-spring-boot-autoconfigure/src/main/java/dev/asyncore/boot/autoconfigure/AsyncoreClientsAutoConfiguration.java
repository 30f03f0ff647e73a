package dev.asyncore.boot.autoconfigure;

import dev.asyncore.AsyncLoop;
import dev.asyncore.boot.actuate.AsyncoreClientHealthIndicator;
import dev.asyncore.boot.actuate.AsyncoreClientMetrics;
import dev.asyncore.boot.client.AsyncoreClients;
import dev.asyncore.boot.client.AsyncoreClientsLifecycle;
import dev.asyncore.boot.server.AsyncoreSslBundles;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the clients declared under {@code asyncore.clients.<name>.*}: a {@link AsyncoreClients} of
 * connectors on the managed loop, connected once the servers listen and closed gracefully before they drain; with Spring
 * Boot's health support, the {@code asyncoreClients} health component (one member per client); with Micrometer, the
 * {@code asyncore.client.*} meters. Backs off without a managed loop.
 */
@AutoConfiguration(after = AsyncoreAutoConfiguration.class)
@ConditionalOnClass(AsyncLoop.class)
@ConditionalOnBean(AsyncLoop.class)
public final class AsyncoreClientsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AsyncoreClients asyncoreClients(
            AsyncoreProperties properties,
            AsyncLoop loop,
            ListableBeanFactory beanFactory,
            ObjectProvider<AsyncoreSslBundles> sslBundles,
            Environment environment) {
        ClientPropertiesValidator.validate(properties.getClients());
        return new AsyncoreClients(new AsyncoreClientConnectors(beanFactory, sslBundles.getIfAvailable(), environment)
                .create(properties.getClients(), loop));
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncoreClientsLifecycle asyncoreClientsLifecycle(AsyncoreClients clients, AsyncoreProperties properties) {
        return new AsyncoreClientsLifecycle(clients, properties.getShutdown().getTimeout());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("asyncoreclients")
    static class ClientsHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "asyncoreClientsHealthContributor")
        CompositeHealthContributor asyncoreClientsHealthContributor(AsyncoreClients clients) {
            return AsyncoreClientHealthIndicator.composite(clients);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class ClientsMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        AsyncoreClientMetrics asyncoreClientMetrics(AsyncoreClients clients) {
            return new AsyncoreClientMetrics(clients);
        }
    }
}
