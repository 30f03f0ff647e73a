package dev.asyncore.docs.handlers;

import dev.asyncore.handler.HandlerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// tag::factory[]
/** Declares the handler that {@code asyncore.servers.<name>.handler: shout} names. */
@Configuration
public class ShoutConfiguration {

    @Bean
    HandlerFactory shout() { // asyncore.servers.<name>.handler: shout
        return (channel, address, map) -> new ShoutHandler(channel, map);
    }
}
// end::factory[]
