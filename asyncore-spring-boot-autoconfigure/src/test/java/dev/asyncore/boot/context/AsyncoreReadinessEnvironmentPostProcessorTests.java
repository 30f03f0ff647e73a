package dev.asyncore.boot.context;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness-group default: added with probes, never over the user's own setting, and not when asyncore is off. */
class AsyncoreReadinessEnvironmentPostProcessorTests {

    private final AsyncoreReadinessEnvironmentPostProcessor processor = new AsyncoreReadinessEnvironmentPostProcessor();

    @Test
    void addsAsyncoreToTheReadinessGroupWhenProbesAreEnabled() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("management.endpoint.health.probes.enabled", "true");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore");
    }

    @Test
    void probesAreOnByDefault() {
        MockEnvironment environment = new MockEnvironment();
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore");
    }

    @Test
    void leavesTheGroupAloneWithoutProbes() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("management.endpoint.health.probes.enabled", "false");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.containsProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isFalse();
    }

    @Test
    void theUsersOwnGroupWins() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("management.endpoint.health.probes.enabled", "true")
                .withProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE, "readinessState,db");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,db");
    }

    @Test
    void nothingWhenAsyncoreIsDisabled() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("management.endpoint.health.probes.enabled", "true")
                .withProperty("asyncore.enabled", "false");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.containsProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isFalse();
    }

    @Test
    void nothingWhenTheHealthIndicatorIsSwitchedOff() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("management.endpoint.health.probes.enabled", "true")
                .withProperty("management.health.asyncore.enabled", "false");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.containsProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isFalse();
    }

    @Test
    void healthDefaultsOffLeaveTheGroupAloneUnlessAsyncoreIsSwitchedOn() {
        MockEnvironment off = new MockEnvironment().withProperty("management.health.defaults.enabled", "false");
        this.processor.postProcessEnvironment(off, new SpringApplication());
        assertThat(off.containsProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isFalse();
        MockEnvironment on = new MockEnvironment()
                .withProperty("management.health.defaults.enabled", "false")
                .withProperty("management.health.asyncore.enabled", "true");
        this.processor.postProcessEnvironment(on, new SpringApplication());
        assertThat(on.getProperty(AsyncoreReadinessEnvironmentPostProcessor.INCLUDE))
                .isEqualTo("readinessState,asyncore");
    }
}
