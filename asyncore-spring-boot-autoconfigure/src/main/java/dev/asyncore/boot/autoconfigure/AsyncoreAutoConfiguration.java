package dev.asyncore.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import dev.asyncore.LogSink;
import dev.asyncore.boot.context.ApplicationLogSink;
import dev.asyncore.boot.context.AsyncoreGracefulShutdownLifecycle;
import dev.asyncore.boot.context.AsyncoreLifecycle;
import dev.asyncore.boot.context.DispatcherBeanRegistrar;
import dev.asyncore.boot.server.AsyncoreServerCustomizer;
import dev.asyncore.boot.server.AsyncoreServerFactory;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.AsyncoreSslBundles;
import dev.asyncore.handler.HandlerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the managed asyncore loop: a {@link DispatcherMap} and an {@link AsyncLoop} on a named, non-daemon thread
 * (the first of an {@link AsyncLoopGroup} of {@code asyncore.loop.threads} loops, each with a map of its own),
 * the servers declared under {@code asyncore.servers.<name>.*}, the lifecycle that binds them and drains them on shutdown, and
 * the registration of {@code @Component} dispatchers on the managed loop.
 *
 * <p>Backs off when asyncore's core is absent or {@code asyncore.enabled=false}; the map and the loop each back off to a bean of
 * the user's.
 *
 * <p><b>Handlers.</b> {@code asyncore.servers.<name>.handler} is {@code echo} (the built-in echo handler, bounded by
 * {@code asyncore.servers.<name>.echo.*}) or the name of a bean that makes a new dispatcher for each accepted channel, on the
 * loop thread. Two kinds of bean qualify:
 * <ul>
 * <li>a {@link HandlerFactory}: {@code create(channel, peer, map)} returns a dispatcher built on
 * {@code channel} in {@code map}, for example {@code (channel, peer, map) -> new MyHandler(channel, map)};</li>
 * <li>a prototype-scoped {@link Dispatcher} bean whose constructor (or {@code @Bean} method) takes
 * {@code (SocketChannel channel, DispatcherMap map)}; it is obtained with {@code getBean(name, channel, map)} for each
 * connection, so it may also have other dependencies injected. Not in an application run from AOT-generated code (a
 * native image, or {@code -Dspring.aot.enabled=true}): {@code getBean} with arguments bypasses the generated code there
 * (spring-framework#32690), so startup fails and asks for a {@code HandlerFactory}, which works either way.</li>
 * </ul>
 * Any other name fails startup with a failure analysis that lists the handlers that exist.
 *
 * <p><b>Dispatcher beans.</b> Singleton {@code Dispatcher} beans (a client that connects at startup, a hand-written listening
 * server) run on the managed loop (the first loop when there are several): declare a {@code DispatcherMap} constructor
 * parameter and pass it to {@code super(map)}, or
 * build them with asyncore's default map and they are moved to the managed map after initialization. Override
 * {@code handleShutdown()} to close them when graceful shutdown begins, or they are closed at {@code asyncore.shutdown.timeout}.
 */
// After TaskExecutionAutoConfiguration: the loop is an Executor bean, and Spring Boot defines its
// applicationTaskExecutor
// (which the offload uses) only while no Executor bean is defined yet.
@AutoConfiguration(after = {SslAutoConfiguration.class, TaskExecutionAutoConfiguration.class})
@ConditionalOnClass(AsyncLoop.class)
@ConditionalOnBooleanProperty(name = "asyncore.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsyncoreProperties.class)
public final class AsyncoreAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DispatcherMap asyncoreDispatcherMap(ObjectProvider<LogSink> logSink) {
        DispatcherMap map = new DispatcherMap();
        map.setLogSink(logSink.getIfAvailable(ApplicationLogSink::new));
        return map;
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncLoop asyncoreLoop(DispatcherMap map, AsyncoreProperties properties) {
        AsyncoreProperties.Loop loop = properties.getLoop();
        AsyncorePropertiesValidator.validateLoop(properties);
        return loops(properties)
                .timeout(loop.getTimeout())
                .usePoll(loop.isUsePoll())
                .loop(0, map)
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncLoopGroup asyncoreLoopGroup(AsyncLoop first, AsyncoreProperties properties) {
        int threads = AsyncorePropertiesValidator.loopThreads(properties);
        AsyncLoopGroup.Builder others =
                loops(properties).timeout(first.timeout()).usePoll(first.usePoll());
        List<AsyncLoop> loops = new ArrayList<>(threads);
        loops.add(first);
        for (int i = 1; i < threads; i++) {
            DispatcherMap map = new DispatcherMap();
            map.setLogSink(first.map().logSink());
            loops.add(others.loop(i, map).build());
        }
        return new AsyncLoopGroup(loops);
    }

    /** The loops' shared settings from {@code asyncore.loop.*}, their names numbered as the core numbers a group's. */
    private static AsyncLoopGroup.Builder loops(AsyncoreProperties properties) {
        return AsyncLoopGroup.builder(AsyncorePropertiesValidator.loopThreads(properties))
                .threadName(properties.getLoop().getThreadName())
                .blockedWarning(properties.getLoop().getBlockedWarning())
                .daemon(false);
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncoreServers asyncoreServers(
            AsyncoreProperties properties,
            ListableBeanFactory beanFactory,
            ApplicationContext context,
            ObjectProvider<AsyncoreServerCustomizer> customizers) {
        AsyncorePropertiesValidator.validateServers(properties);
        List<AsyncoreServerFactory> factories = new AsyncoreServerFactories(properties, beanFactory, context).create();
        for (AsyncoreServerFactory factory : factories) {
            customizers.orderedStream().forEach((customizer) -> customizer.customize(factory));
        }
        return new AsyncoreServers(factories);
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncoreLifecycle asyncoreLifecycle(AsyncLoopGroup group, AsyncoreServers servers, ApplicationContext context) {
        return new AsyncoreLifecycle(group, servers, context);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SslBundles.class)
    AsyncoreSslBundles asyncoreSslBundles(SslBundles bundles) {
        return new AsyncoreSslBundles(bundles);
    }

    @Bean
    @ConditionalOnMissingBean
    AsyncoreGracefulShutdownLifecycle asyncoreGracefulShutdownLifecycle(
            AsyncLoopGroup group,
            AsyncoreProperties properties,
            ApplicationContext context,
            ObjectProvider<AsyncoreServers> servers) {
        return new AsyncoreGracefulShutdownLifecycle(
                group, properties.getShutdown().getTimeout(), context, servers.getIfAvailable());
    }

    @Bean
    static DispatcherBeanRegistrar asyncoreDispatcherBeanRegistrar(
            ObjectProvider<DispatcherMap> map, ObjectProvider<AsyncLoop> loop) {
        return new DispatcherBeanRegistrar(map, loop);
    }
}
