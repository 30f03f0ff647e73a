package dev.asyncore.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.OutputBudget;
import dev.asyncore.ServerStats;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.EchoHandler;
import dev.asyncore.handler.ServerDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the starter's runtime hints with {@link RuntimeHintsPredicates}, against what the code reaches by reflection: the
 * classes its {@code spring.factories} names, the fields behind {@link ServerStats}' {@code VarHandle}s, the
 * {@code getTerminator()} lookup of the chat framing and the class name the readiness post-processor looks for.
 */
class AsyncoreRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    AsyncoreRuntimeHintsTests() {
        new AsyncoreRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void registrarIsDeclaredInAotFactories() {
        List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation(
                        "META-INF/spring/aot.factories")
                .load(RuntimeHintsRegistrar.class);
        assertThat(registrars).hasAtLeastOneElementOfType(AsyncoreRuntimeHints.class);
    }

    @Test
    void everyClassOfTheStartersSpringFactoriesCanBeInstantiated() throws Exception {
        List<String> names = starterFactoryClassNames();
        assertThat(names).hasSizeGreaterThanOrEqualTo(5);
        for (String name : names) {
            Class<?> type = ClassUtils.forName(name, getClass().getClassLoader());
            assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(type.getDeclaredConstructor()))
                    .as("constructor of %s", name)
                    .accepts(this.hints);
        }
    }

    @Test
    void everyFieldOfDatagramStatsIsAccessible() {
        List<String> fields = new ArrayList<>();
        for (Field field : dev.asyncore.DatagramStats.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                fields.add(field.getName());
                assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(field))
                        .as("field %s", field.getName())
                        .accepts(this.hints);
            }
        }
        assertThat(fields).contains("received", "dropped");
    }

    @Test
    void everyCounterFieldOfServerStatsIsAccessible() {
        List<String> fields = new ArrayList<>();
        for (Field field : ServerStats.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                fields.add(field.getName());
                assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(field))
                        .as("field %s", field.getName())
                        .accepts(this.hints);
            }
        }
        assertThat(fields).isNotEmpty();
    }

    @Test
    void theFieldsBehindTheOutputBudgetsVarHandlesAreAccessible() throws NoSuchFieldException {
        for (String name : List.of("queued", "drops")) {
            assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(OutputBudget.class.getDeclaredField(name)))
                    .as("field %s", name)
                    .accepts(this.hints);
        }
    }

    @Test
    void theMethodsTheCoreLooksUpCanBeFoundOnTheLibrarysHandlers() throws NoSuchMethodException {
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(AsyncChat.class.getMethod("getTerminator")))
                .accepts(this.hints);
        for (Class<?> type : List.of(
                Dispatcher.class,
                DispatcherWithSend.class,
                AsyncChat.class,
                EchoHandler.class,
                ServerDispatcher.class)) {
            for (String name : List.of("readable", "writable")) {
                assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(type.getMethod(name)))
                        .as("%s.%s()", type.getSimpleName(), name)
                        .accepts(this.hints);
            }
        }
    }

    @Test
    void healthIndicatorTypeTheReadinessPostProcessorLooksForIsRegistered() {
        assertThat(AsyncoreRuntimeHints.HEALTH_INDICATOR)
                .isEqualTo(org.springframework.boot.health.contributor.HealthIndicator.class.getName());
        assertThat(RuntimeHintsPredicates.reflection()
                        .onType(org.springframework.boot.health.contributor.HealthIndicator.class))
                .accepts(this.hints);
    }

    /** The dev.asyncore classes named in the starter's own META-INF/spring.factories (not other jars'). */
    private List<String> starterFactoryClassNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            Properties properties = new Properties();
            try (InputStream in = url.openStream()) {
                properties.load(in);
            }
            for (String value : properties.stringPropertyNames()) {
                for (String name : properties.getProperty(value).split(",")) {
                    if (name.trim().startsWith("dev.asyncore.")) {
                        names.add(name.trim());
                    }
                }
            }
        }
        return names;
    }
}
