package dev.asyncore.boot.context;

import java.util.HashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Publishes each bound server's port in the environment as {@code local.asyncore.servers.<name>.port}, in the
 * {@code "server.ports"} property source that Spring Boot uses for {@code local.server.port}, so that tests can inject it with
 * {@code @Value}.
 *
 * <p>Registered in {@code META-INF/spring.factories}; {@link #initialize} runs on the thread that prepares the context, and the
 * listener on the thread that publishes {@link AsyncoreServerInitializedEvent}.
 */
public class AsyncorePortInfoApplicationContextInitializer
        implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String PROPERTY_SOURCE_NAME = "server.ports";

    @Override
    public void initialize(ConfigurableApplicationContext applicationContext) {
        applicationContext.addApplicationListener(new Listener(applicationContext));
    }

    private static final class Listener implements ApplicationListener<AsyncoreServerInitializedEvent> {

        private final ConfigurableApplicationContext context;

        Listener(ConfigurableApplicationContext context) {
            this.context = context;
        }

        @Override
        public void onApplicationEvent(AsyncoreServerInitializedEvent event) {
            if (event.getPort() < 0 || event.getApplicationContext() != this.context) {
                return;
            }
            setPort(this.context, "local.asyncore.servers." + event.getServerName() + ".port", event.getPort());
        }

        private static void setPort(ConfigurableApplicationContext context, String property, int port) {
            setPort(context.getEnvironment(), property, port);
            if (context.getParent() instanceof ConfigurableApplicationContext parent) {
                setPort(parent, property, port);
            }
        }

        @SuppressWarnings("unchecked")
        private static void setPort(ConfigurableEnvironment environment, String property, int port) {
            MutablePropertySources sources = environment.getPropertySources();
            PropertySource<?> source = sources.get(PROPERTY_SOURCE_NAME);
            if (source == null) {
                source = new MapPropertySource(PROPERTY_SOURCE_NAME, new HashMap<>());
                sources.addFirst(source);
            }
            ((Map<String, Object>) source.getSource()).put(property, String.valueOf(port));
        }
    }
}
