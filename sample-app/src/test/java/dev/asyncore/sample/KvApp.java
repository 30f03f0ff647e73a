package dev.asyncore.sample;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;

/** Runs the sample application for the kv tests, every server on a port the system picks, on a given database. */
final class KvApp {

    private KvApp() {}

    /**
     * Starts the sample application (no HTTP server) on the database at {@code url}, with more arguments after.
     *
     * @param url the JDBC URL for {@code spring.datasource.url}
     * @param more further command-line arguments
     * @return the running context; the caller closes it
     */
    static ConfigurableApplicationContext run(String url, String... more) {
        return new SpringApplicationBuilder(SampleApplication.class).run(arguments(url, more));
    }

    /**
     * The command-line arguments {@link #run} starts the application with.
     *
     * @param url the JDBC URL for {@code spring.datasource.url}
     * @param more further command-line arguments
     * @return the arguments
     */
    static String[] arguments(String url, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.main.web-application-type=none",
                "--spring.main.banner-mode=off",
                "--spring.datasource.url=" + url,
                "--asyncore.servers.echo.port=0",
                "--asyncore.servers.chat.port=0",
                "--asyncore.servers.udp-echo.port=0",
                "--asyncore.servers.echo-tls.port=0",
                "--asyncore.servers.kv.port=0",
                "--asyncore.shutdown.timeout=5s"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /**
     * The port the {@code kv} server is bound to.
     *
     * @param context the running application
     * @return the port
     */
    static int kvPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.asyncore.servers.kv.port", Integer.class);
    }

    /**
     * Sends one request line and reads its reply line.
     *
     * @param client a connection to the kv server
     * @param line the request, without its newline
     * @return the reply, without its newline
     * @throws IOException if the connection fails or times out
     */
    static String request(Socket client, String line) throws IOException {
        send(client, line + "\n");
        return readLine(client.getInputStream());
    }
}
