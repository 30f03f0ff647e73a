package dev.asyncore.docs;

import java.util.ArrayList;
import java.util.List;

import dev.asyncore.docs.clients.UpstreamClient;
import dev.asyncore.docs.handlers.ShoutConfiguration;
import dev.asyncore.handler.ClientHandlerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The application the guide's YAML files configure: the starter, the shout handler and an upstream client handler. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ShoutConfiguration.class)
class DocApplication {

    @Bean
    ClientHandlerFactory upstreamHandler() {
        return (channel, address, map) -> new UpstreamClient(channel, map);
    }

    /** Starts the application with one of the guide's YAML files as its only configuration, and test overrides. */
    static ConfigurableApplicationContext run(String yaml, String... overrides) {
        List<String> args = new ArrayList<>();
        args.add("--spring.config.location=classpath:/guide/" + yaml);
        for (String override : overrides) {
            args.add("--" + override);
        }
        return new SpringApplicationBuilder(DocApplication.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    /** The port a server of the running application bound. */
    static int port(ConfigurableApplicationContext context, String server) {
        return context.getEnvironment()
                .getRequiredProperty("local.asyncore.servers." + server + ".port", Integer.class);
    }
}
