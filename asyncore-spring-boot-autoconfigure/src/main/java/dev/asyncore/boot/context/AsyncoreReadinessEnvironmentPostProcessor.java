package dev.asyncore.boot.context;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Puts the {@code asyncore} health component in the readiness group whenever the application has availability probes
 * ({@code management.endpoint.health.probes.enabled}, true by default in Spring Boot 4), so that a load balancer stops sending traffic
 * to an instance whose servers no longer listen. It only supplies a default, at the lowest precedence: a
 * {@code management.endpoint.health.group.readiness.include} of the user's own wins. Nothing is added when the indicator
 * is switched off ({@code management.health.asyncore.enabled=false}, or {@code management.health.defaults.enabled=false}
 * without it), since a group that includes a contributor that does not exist fails startup. Each enabled client of
 * {@code asyncore.clients} joins too, as {@code asyncoreClients/<name>}, unless its {@code health.readiness} is false (a
 * gateway that should take traffic while its upstream is away). Runs once, on the main thread,
 * while the environment is prepared.
 */
public class AsyncoreReadinessEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String INCLUDE = "management.endpoint.health.group.readiness.include";

    private static final String SOURCE = "asyncoreReadinessDefaults";

    private static final Bindable<Map<String, Map<String, Object>>> CLIENTS =
            Bindable.of(ResolvableType.forClassWithGenerics(
                    Map.class,
                    ResolvableType.forClass(String.class),
                    ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)));

    private static final String HEALTH_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!ClassUtils.isPresent(HEALTH_INDICATOR, getClass().getClassLoader())
                || !environment.getProperty("asyncore.enabled", Boolean.class, true)
                || environment.containsProperty(INCLUDE)
                || !probesEnabled(environment)
                || !healthIndicatorEnabled(environment)) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        SOURCE, Map.of(INCLUDE, "readinessState,asyncore" + clients(environment))));
    }

    /**
     * The members of the {@code asyncoreClients} component that gate readiness: each enabled client whose
     * {@code asyncore.clients.<name>.health.readiness} is not false, as {@code ,asyncoreClients/<name>}.
     */
    private static String clients(ConfigurableEnvironment environment) {
        // As @ConditionalOnEnabledHealthIndicator("asyncoreclients"): its own switch, else the default one.
        Boolean own = environment.getProperty("management.health.asyncoreclients.enabled", Boolean.class);
        boolean enabled =
                own != null ? own : environment.getProperty("management.health.defaults.enabled", Boolean.class, true);
        if (!enabled) {
            return "";
        }
        Binder binder = Binder.get(environment);
        Map<String, Map<String, Object>> clients =
                binder.bind("asyncore.clients", CLIENTS).orElse(Map.of());
        StringBuilder members = new StringBuilder();
        clients.forEach((name, ignored) -> {
            String prefix = "asyncore.clients." + name + ".";
            if (binder.bind(prefix + "enabled", Boolean.class).orElse(true)
                    && binder.bind(prefix + "health.readiness", Boolean.class).orElse(true)) {
                members.append(",asyncoreClients/").append(name);
            }
        });
        return members.toString();
    }

    private static boolean probesEnabled(ConfigurableEnvironment environment) {
        return environment.getProperty("management.endpoint.health.probes.enabled", Boolean.class, true);
    }

    /** As {@code @ConditionalOnEnabledHealthIndicator("asyncore")}: the indicator's own switch, else the default one. */
    private static boolean healthIndicatorEnabled(ConfigurableEnvironment environment) {
        Boolean own = environment.getProperty("management.health.asyncore.enabled", Boolean.class);
        return own != null ? own : environment.getProperty("management.health.defaults.enabled", Boolean.class, true);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
