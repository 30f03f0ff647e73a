package dev.asyncore.sample;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.asyncore.sample.KvApp.request;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the {@code kv} server stored on its default database, H2 in a file, is there after a graceful shutdown and a
 * restart of the application on the same file.
 */
class SampleKvRestartTests {

    @Test
    void dataWrittenBeforeAGracefulShutdownIsThereAfterARestart(@TempDir Path dir) throws IOException {
        String url = "jdbc:h2:file:" + dir.resolve("kv") + ";DB_CLOSE_ON_EXIT=FALSE";
        try (ConfigurableApplicationContext first = KvApp.run(url);
                Socket client = connect(KvApp.kvPort(first))) {
            StringBuilder sets = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                sets.append("SET restart-").append(i).append(" kept ").append(i).append('\n');
            }
            send(client, sets.toString());
            InputStream in = new BufferedInputStream(client.getInputStream());
            for (int i = 0; i < 100; i++) {
                assertThat(readLine(in)).isEqualTo("OK");
            }
        }
        try (ConfigurableApplicationContext second = KvApp.run(url);
                Socket client = connect(KvApp.kvPort(second))) {
            for (int i = 0; i < 100; i++) {
                assertThat(request(client, "GET restart-" + i)).isEqualTo("VALUE kept " + i);
            }
        }
    }
}
