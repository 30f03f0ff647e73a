package dev.asyncore.boot.aot;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import dev.asyncore.DispatcherMap;
import dev.asyncore.boot.TestClients;
import dev.asyncore.boot.UpperCaseHandler;
import dev.asyncore.boot.autoconfigure.AsyncoreAutoConfiguration;
import dev.asyncore.boot.server.AsyncoreServers;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import dev.asyncore.boot.server.InvalidAsyncorePropertyFailureAnalyzer;
import dev.asyncore.handler.HandlerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Handlers in an application run from AOT-generated code: each test AOT-processes a context with the auto-configuration,
 * compiles the generated code, and refreshes a new context from it, as a native image (or
 * {@code -Dspring.aot.enabled=true}) does. A {@code HandlerFactory} bean with an injected dependency serves connections; a
 * prototype {@code Dispatcher} handler, which the AOT-generated code would not build as declared (its injected field stays
 * null: spring-framework#32690), fails startup with a report that names the property and the fix.
 */
@CompileWithForkedClassLoader
class PrototypeHandlerAotTests {

    private static final String[] PROPERTIES = {
        "asyncore.loop.thread-name=asyncore-aot-loop",
        "asyncore.shutdown.timeout=1s",
        "asyncore.servers.upper.port=0",
        "asyncore.servers.upper.address=127.0.0.1",
        "asyncore.servers.upper.handler=upperCaseHandler"
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsyncoreAutoConfiguration.class))
            .withPropertyValues(PROPERTIES);

    @Test
    void handlerFactoryBeanWithAnInjectedDependencyServesConnections() {
        runAotProcessed(HandlerFactoryConfiguration.class, (context) -> {
            int port = context.getBean(AsyncoreServers.class).get("upper").getPort();
            assertThat(TestClients.roundTrip(port, "aot")).isEqualTo("AOT");
            assertThat(context.getBean(Greeting.class).handlers).isEqualTo(1);
        });
    }

    @Test
    void prototypeDispatcherHandlerFailsStartupWithAReport() {
        assertThatThrownBy(() -> runAotProcessed(PrototypeDispatcherConfiguration.class, (context) -> {}))
                .satisfies((ex) -> {
                    Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
                    assertThat(cause).isInstanceOf(InvalidAsyncorePropertyException.class);
                    FailureAnalysis analysis = new InvalidAsyncorePropertyFailureAnalyzer().analyze(cause);
                    assertThat(analysis.getDescription())
                            .contains("asyncore.servers.upper.handler", "upperCaseHandler", "instance supplier");
                    assertThat(analysis.getAction()).contains("HandlerFactory");
                });
    }

    private void runAotProcessed(Class<?> configuration, ContextCheck check) {
        this.runner.withUserConfiguration(configuration).prepare((prepared) -> {
            TestGenerationContext generation = new TestGenerationContext();
            ClassName initializerName = new ApplicationContextAotGenerator()
                    .processAheadOfTime((GenericApplicationContext) prepared.getSourceApplicationContext(), generation);
            generation.writeGeneratedContent();
            TestCompiler.forSystem().with(generation).compile((compiled) -> {
                try (GenericApplicationContext context = new GenericApplicationContext()) {
                    TestPropertyValues.of(PROPERTIES).applyTo(context);
                    @SuppressWarnings("unchecked")
                    ApplicationContextInitializer<GenericApplicationContext> initializer =
                            compiled.getInstance(ApplicationContextInitializer.class, initializerName.toString());
                    initializer.initialize(context);
                    context.refresh();
                    check.accept(context);
                } catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
            });
        });
    }

    /** A check of the refreshed context. */
    interface ContextCheck {

        void accept(GenericApplicationContext context) throws IOException;
    }

    /** A dependency of the handler: counts the handlers made with it. */
    static class Greeting {

        volatile int handlers;
    }

    /** The upper-case handler with an injected field, which AOT-generated code leaves null when built with arguments. */
    static class InjectedHandler extends UpperCaseHandler {

        @Autowired
        Greeting greeting;

        InjectedHandler(SocketChannel channel, DispatcherMap map) {
            super(channel, map);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerFactoryConfiguration {

        @Bean
        Greeting greeting() {
            return new Greeting();
        }

        @Bean
        HandlerFactory upperCaseHandler(Greeting greeting) {
            return (channel, peer, map) -> {
                greeting.handlers++;
                return new UpperCaseHandler(channel, map);
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeDispatcherConfiguration {

        @Bean
        Greeting greeting() {
            return new Greeting();
        }

        @Bean
        @Scope("prototype")
        InjectedHandler upperCaseHandler(SocketChannel channel, DispatcherMap map) {
            return new InjectedHandler(channel, map);
        }
    }
}
