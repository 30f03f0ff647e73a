package dev.asyncore.sample;

import dev.asyncore.handler.ClientHandlerFactory;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.sample.chat.ChatRoom;
import dev.asyncore.sample.kv.KvHandler;
import dev.asyncore.sample.kv.KvRepository;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The sample application: echo servers, a chat server and a key-value server on a database ({@code kv}), declared in
 * {@code application.yml}, one client dispatcher of its own ({@link HealthCheckClient}), and the {@code health},
 * {@code asyncore} and {@code metrics} endpoints over HTTP.
 */
@SpringBootApplication
public class SampleApplication {

    /**
     * The room every connection to the {@code chat} server joins. Created on the thread that refreshes the context; used on
     * the loop thread.
     *
     * @return a new, empty room
     */
    @Bean
    ChatRoom room() {
        return new ChatRoom();
    }

    /**
     * The handler of the {@code chat} server ({@code asyncore.servers.chat.handler: chatRoom}): a new room member for each
     * accepted connection. Called on the loop thread.
     *
     * @param room the room members join
     * @return the handler factory
     */
    @Bean
    HandlerFactory chatRoom(ChatRoom room) {
        return room::newMember;
    }

    /**
     * The handler of the {@code kv} server ({@code asyncore.servers.kv.handler: kv}): a new {@link KvHandler} for each
     * accepted connection, sharing the repository. Called on the loop thread.
     *
     * @param repository the {@code kv} table
     * @return the handler factory
     */
    @Bean
    HandlerFactory kv(KvRepository repository) {
        return (channel, peer, map) -> new KvHandler(channel, map, repository);
    }

    /**
     * The handler of the {@code echo-probe} client ({@code asyncore.clients.echo-probe.handler: echoProbe}): a new
     * {@link EchoProbe} for each connection the client makes to the echo server. Called on the loop thread.
     *
     * @return the client handler factory
     */
    @Bean
    ClientHandlerFactory echoProbe() {
        return (channel, address, map) -> new EchoProbe(channel, map);
    }

    /**
     * Starts the application.
     *
     * @param args command-line arguments, passed to Spring Boot
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
