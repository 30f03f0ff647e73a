package dev.asyncore.boot.autoconfigure;

import java.util.List;

import dev.asyncore.DatagramStats;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.OutputBudget;
import dev.asyncore.ServerStats;
import dev.asyncore.boot.context.AsyncorePortInfoApplicationContextInitializer;
import dev.asyncore.boot.context.AsyncoreReadinessEnvironmentPostProcessor;
import dev.asyncore.boot.server.AsyncorePortInUseFailureAnalyzer;
import dev.asyncore.boot.server.InvalidAsyncorePropertyFailureAnalyzer;
import dev.asyncore.boot.server.UnknownHandlerFailureAnalyzer;
import dev.asyncore.boot.server.UnknownSslBundleFailureAnalyzer;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.DatagramServer;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * What the starter and asyncore's core reach by reflection or by name, for a GraalVM native image of an application that uses
 * them. Registered in {@code META-INF/spring/aot.factories}; called once, at build time, by Spring's AOT processing.
 *
 * <ul>
 * <li>the classes named in the starter's {@code META-INF/spring.factories}, which Spring instantiates by name;</li>
 * <li>Spring Boot's {@code HealthIndicator}, whose presence decides whether the readiness group includes asyncore;</li>
 * <li>the counters of {@link ServerStats}, {@link DatagramStats} and {@link OutputBudget}, updated through
 * {@code VarHandle}s found by field name;</li>
 * <li>the public methods of {@link AsyncChat} and the core's chat handler, which the terminator framing looks up to see
 * whether a subclass overrides {@code getTerminator()}. An {@code AsyncChat} subclass of the application's own needs the
 * same hint ({@code INVOKE_PUBLIC_METHODS}) in the application's own registrar.</li>
 * </ul>
 * Configuration properties, the endpoint's operations and their descriptors, and {@code @EventListener} methods are
 * registered by Spring Boot and Spring Framework themselves.
 */
class AsyncoreRuntimeHints implements RuntimeHintsRegistrar {

    static final String HEALTH_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";

    /** The library's dispatcher classes whose public methods the core looks up by reflection. */
    static final List<Class<?>> LIBRARY_HANDLERS = List.of(
            Dispatcher.class,
            DispatcherWithSend.class,
            AsyncChat.class,
            EchoHandler.class,
            ServerDispatcher.class,
            DatagramServer.class);

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        for (Class<?> type : new Class<?>[] {
            AsyncorePortInfoApplicationContextInitializer.class,
            AsyncoreReadinessEnvironmentPostProcessor.class,
            AsyncorePortInUseFailureAnalyzer.class,
            UnknownHandlerFailureAnalyzer.class,
            UnknownSslBundleFailureAnalyzer.class,
            InvalidAsyncorePropertyFailureAnalyzer.class
        }) {
            hints.reflection().registerType(type, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
        }
        hints.reflection().registerType(TypeReference.of(HEALTH_INDICATOR));
        hints.reflection().registerType(ServerStats.class, MemberCategory.ACCESS_DECLARED_FIELDS);
        hints.reflection().registerType(DatagramStats.class, MemberCategory.ACCESS_DECLARED_FIELDS);
        hints.reflection().registerType(OutputBudget.class, MemberCategory.ACCESS_DECLARED_FIELDS);
        // The core looks up readable()/writable() (which classes AsyncLoop may track, see TrackedInterest) and
        // getTerminator() by reflection on handler classes; without the metadata it falls back to asking them every
        // pass,
        // which is correct but dearer. The library's handlers are registered here; an application's own handler classes
        // can be registered the same way.
        for (Class<?> type : LIBRARY_HANDLERS) {
            hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
        }
    }
}
