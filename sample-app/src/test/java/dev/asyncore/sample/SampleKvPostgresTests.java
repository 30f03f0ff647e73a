package dev.asyncore.sample;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.asyncore.sample.KvApp.request;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code kv} server on a real PostgreSQL server that the test starts itself ({@link PostgresServer}; skipped
 * with the reason where it cannot start): every verb, an overwrite (PostgreSQL's {@code ON CONFLICT} upsert), pipelined
 * requests in order, and the data still there after a graceful shutdown and a restart of the application.
 */
class SampleKvPostgresTests {

    @Test
    void kvServerStoresInPostgresqlAndKeepsItAcrossARestart() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            String[] credentials = {"--spring.datasource.username=postgres", "--spring.datasource.password="};
            try (ConfigurableApplicationContext first = KvApp.run(postgres.jdbcUrl(), credentials);
                    Socket client = connect(KvApp.kvPort(first))) {
                assertThat(first.getEnvironment().getProperty("spring.datasource.url"))
                        .startsWith("jdbc:postgresql:");
                assertThat(request(client, "GET city")).isEqualTo("NOT_FOUND");
                assertThat(request(client, "SET city Porto")).isEqualTo("OK");
                assertThat(request(client, "SET city Rio de Janeiro")).isEqualTo("OK");
                assertThat(request(client, "GET city")).isEqualTo("VALUE Rio de Janeiro");
                assertThat(request(client, "SET gone soon")).isEqualTo("OK");
                assertThat(request(client, "DEL gone")).isEqualTo("OK");
                assertThat(request(client, "DEL gone")).isEqualTo("NOT_FOUND");
                assertThat(request(client, "HELLO")).startsWith("ERR unknown command");
                assertThat(pipelined(client, 200)).allMatch("OK"::equals);
            }
            try (ConfigurableApplicationContext second = KvApp.run(postgres.jdbcUrl(), credentials);
                    Socket client = connect(KvApp.kvPort(second))) {
                assertThat(request(client, "GET city")).isEqualTo("VALUE Rio de Janeiro");
                assertThat(request(client, "GET gone")).isEqualTo("NOT_FOUND");
                for (int i = 0; i < 200; i += 37) {
                    assertThat(request(client, "GET pg-" + i)).isEqualTo("VALUE row " + i);
                }
            }
        }
    }

    private static List<String> pipelined(Socket client, int count) throws IOException {
        StringBuilder sets = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sets.append("SET pg-").append(i).append(" row ").append(i).append('\n');
        }
        send(client, sets.toString());
        InputStream in = new BufferedInputStream(client.getInputStream());
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            replies.add(readLine(in));
        }
        return replies;
    }
}
