package dev.asyncore.boot.autoconfigure;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.boot.actuate.AsyncoreHealthIndicator;
import dev.asyncore.boot.server.AsyncoreServers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code asyncore} health indicator (bean {@code asyncoreHealthIndicator}). Backs off without Spring
 * Boot's health support, without a managed loop, or with {@code management.health.asyncore.enabled=false}.
 *
 * <p>To gate a Kubernetes readiness probe on it, add it to the readiness group:
 * {@code management.endpoint.health.group.readiness.include=readinessState,asyncore}.
 */
@AutoConfiguration(
        after = AsyncoreAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({HealthIndicator.class, AsyncLoop.class})
@ConditionalOnBean(AsyncLoop.class)
@ConditionalOnEnabledHealthIndicator("asyncore")
public final class AsyncoreHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "asyncoreHealthIndicator")
    AsyncoreHealthIndicator asyncoreHealthIndicator(
            AsyncLoop loop, ObjectProvider<AsyncoreServers> servers, ObjectProvider<AsyncLoopGroup> group) {
        return new AsyncoreHealthIndicator(loop, servers.getIfAvailable(), group.getIfAvailable());
    }
}
