package dev.asyncore.sample;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import dev.asyncore.AsyncLoop;
import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.HandlerFactory;
import dev.asyncore.sample.kv.KvRepository;
import org.h2.Driver;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

import static dev.asyncore.sample.KvApp.request;
import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample application under BlockHound: asyncore's BlockHound integration (service-loaded from the core) marks the loop
 * threads as threads that must not block, so any blocking call on a loop fails there with a {@link BlockingOperationError}.
 * The database is H2 reached over TCP, as a database server is: every JDBC call does socket I/O. The {@code kv} server
 * and the echo server pass, since {@code kv}'s JDBC calls are offloaded; a test-only server whose handler calls the same
 * repository on the loop gets the error, and its channel is closed while the loop and the other servers go on.
 *
 * <p>Runs in its own surefire execution and JVM ({@code -XX:+AllowRedefinitionToAddDeleteMethods}; installing BlockHound
 * cannot be undone); skipped when started without that flag.
 */
class SampleAppBlockHoundTests {

    private static Server database;

    private static ConfigurableApplicationContext context;

    @BeforeAll
    static void installBlockHoundAndStartTheApp() throws Exception {
        assumeTrue(
                ManagementFactory.getRuntimeMXBean()
                        .getInputArguments()
                        .contains("-XX:+AllowRedefinitionToAddDeleteMethods"),
                "runs in the blockhound surefire execution, whose JVM has -XX:+AllowRedefinitionToAddDeleteMethods");
        // AsyncoreBlockHoundIntegration, found by the service loader, marks the loop threads and allows the hand-off of
        // a call to the offload's executor: nothing else is allowed here.
        // tag::install[]
        BlockHound.install();
        // end::install[]
        database = Server.createTcpServer("-tcpPort", String.valueOf(freePort()), "-ifNotExists")
                .start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/mem:blockhound;DB_CLOSE_DELAY=-1";
        context = new SpringApplicationBuilder(SampleApplication.class, OnTheLoopConfiguration.class)
                .run(KvApp.arguments(
                        url,
                        "--asyncore.servers.kv-on-loop.port=0",
                        "--asyncore.servers.kv-on-loop.handler=kvOnTheLoop"));
    }

    @AfterAll
    static void stopTheApp() {
        if (context != null) {
            context.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void blockHoundWatchesTheLoop() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        context.getBean(AsyncLoop.class)
                .submit(() -> {
                    try {
                        Thread.sleep(1);
                    } catch (Throwable ex) { // caught here: an Error out of a task would end the loop
                        failure.set(ex);
                    }
                    return null;
                })
                .join();
        assertThat(failure.get()).as("Thread.sleep on the loop").isInstanceOf(BlockingOperationError.class);
    }

    @Test
    void kvServerPassesBecauseItsDatabaseCallsAreOffloaded() throws IOException {
        try (Socket client = connect(KvApp.kvPort(context))) {
            assertThat(request(client, "SET hound on the loop? never")).isEqualTo("OK");
            assertThat(request(client, "GET hound")).isEqualTo("VALUE on the loop? never");
            assertThat(request(client, "BARK")).startsWith("ERR unknown command");
            assertThat(request(client, "DEL hound")).isEqualTo("OK");
            StringBuilder pipelined = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                pipelined
                        .append("SET p")
                        .append(i)
                        .append(' ')
                        .append(i)
                        .append("\nGET p")
                        .append(i)
                        .append('\n');
            }
            send(client, pipelined.toString());
            InputStream in = client.getInputStream();
            for (int i = 0; i < 100; i++) {
                assertThat(readLine(in)).isEqualTo("OK");
                assertThat(readLine(in)).isEqualTo("VALUE " + i);
            }
        }
    }

    @Test
    void echoServerPasses() throws IOException {
        int port = context.getEnvironment().getRequiredProperty("local.asyncore.servers.echo.port", Integer.class);
        try (Socket client = connect(port)) {
            send(client, "no blocking here\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("no blocking here");
        }
    }

    @Test
    void aRepositoryCallOnTheLoopFailsWithBlockingOperationErrorAndClosesThatChannel() throws IOException {
        OnTheLoopHandler.lastError.set(null);
        int port =
                context.getEnvironment().getRequiredProperty("local.asyncore.servers.kv-on-loop.port", Integer.class);
        try (Socket client = connect(port)) {
            send(client, "GET anything\n");
            assertThat(client.getInputStream().read())
                    .as("end of stream: the channel was closed")
                    .isEqualTo(-1);
        }
        await().atMost(WAIT).until(() -> OnTheLoopHandler.lastError.get() != null);
        assertThat(OnTheLoopHandler.lastError.get())
                .satisfiesAnyOf(
                        (error) -> assertThat(error).isInstanceOf(BlockingOperationError.class),
                        (error) -> assertThat(error).hasCauseInstanceOf(BlockingOperationError.class),
                        (error) -> assertThat(error).hasRootCauseInstanceOf(BlockingOperationError.class));
        // the loop went on: the offloaded server still answers
        try (Socket client = connect(KvApp.kvPort(context))) {
            assertThat(request(client, "GET anything")).isEqualTo("NOT_FOUND");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What a handler must not do: the repository called in {@code foundTerminator}, on the loop. Loop thread. */
    static final class OnTheLoopHandler extends AsyncChat {

        static final AtomicReference<Throwable> lastError = new AtomicReference<>();

        private final KvRepository repository;

        OnTheLoopHandler(SocketChannel channel, DispatcherMap map, KvRepository repository) {
            super(channel, map);
            this.repository = repository;
            setTerminator(new byte[] {'\n'});
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            collectIncomingDataDefault(data);
        }

        @Override
        protected void foundTerminator() {
            String key = new String(getData(), StandardCharsets.UTF_8).substring("GET ".length());
            push(("VALUE " + this.repository.get(key).orElse("?") + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /** Keeps the error for the test, then closes as the default does. Loop thread. */
        @Override
        public void handleError(Throwable error) {
            lastError.set(error);
            super.handleError(error);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OnTheLoopConfiguration {

        /**
         * The test server's handler, on a repository of its own: a data source that opens a connection per call, so that
         * the call on the loop leaves the pool of the {@code kv} server alone.
         */
        @Bean
        HandlerFactory kvOnTheLoop(@Value("${spring.datasource.url}") String url, TransactionTemplate transactions)
                throws MetaDataAccessException {
            SimpleDriverDataSource own = new SimpleDriverDataSource(new Driver(), url, "sa", "");
            KvRepository repository = new KvRepository(JdbcClient.create(own), own, transactions);
            return (channel, peer, map) -> new OnTheLoopHandler(channel, map, repository);
        }
    }
}
