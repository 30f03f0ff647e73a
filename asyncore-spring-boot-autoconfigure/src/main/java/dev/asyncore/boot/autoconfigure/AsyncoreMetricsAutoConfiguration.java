package dev.asyncore.boot.autoconfigure;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.actuate.AsyncoreMetrics;
import dev.asyncore.boot.server.AsyncoreServers;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of asyncore's Micrometer metrics: a {@link MeterBinder} that Spring Boot binds to every meter registry.
 * Backs off without Micrometer or without a managed loop.
 */
@AutoConfiguration(after = AsyncoreAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, AsyncLoop.class})
@ConditionalOnBean(AsyncLoop.class)
public final class AsyncoreMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AsyncoreMetrics asyncoreMetrics(
            AsyncLoop loop, ObjectProvider<AsyncoreServers> servers, ObjectProvider<AsyncLoopGroup> group) {
        return new AsyncoreMetrics(loop, servers.getIfAvailable(), group.getIfAvailable());
    }
}
