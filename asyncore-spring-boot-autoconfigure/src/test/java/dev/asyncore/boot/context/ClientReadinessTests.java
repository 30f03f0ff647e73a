package dev.asyncore.boot.context;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Each enabled client joins the readiness group unless its health.readiness is false. */
class ClientReadinessTests {

    private final AsyncoreReadinessEnvironmentPostProcessor processor = new AsyncoreReadinessEnvironmentPostProcessor();

    @Test
    void clientsJoinReadinessUnlessLeftOut() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("asyncore.clients.upstream.host", "a")
                .withProperty("asyncore.clients.optional.host", "b")
                .withProperty("asyncore.clients.optional.health.readiness", "false")
                .withProperty("asyncore.clients.off.host", "c")
                .withProperty("asyncore.clients.off.enabled", "false");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore,asyncoreClients/upstream");
    }

    @Test
    void noClientJoinsWhenDefaultIndicatorsAreOffAndOnlyAsyncoresIsOn() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("asyncore.clients.upstream.host", "a")
                .withProperty("management.health.defaults.enabled", "false")
                .withProperty("management.health.asyncore.enabled", "true");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore");
    }

    @Test
    void noClientJoinsWhenTheirHealthIsOff() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("asyncore.clients.upstream.host", "a")
                .withProperty("management.health.asyncoreclients.enabled", "false");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore");
    }
}
