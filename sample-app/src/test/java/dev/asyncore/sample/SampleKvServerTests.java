package dev.asyncore.sample;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import dev.asyncore.sample.kv.KvCommand;
import dev.asyncore.sample.kv.KvHandler;
import dev.asyncore.sample.kv.KvRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.asyncore.sample.KvApp.request;
import static dev.asyncore.sample.SampleClients.connect;
import static dev.asyncore.sample.SampleClients.readLine;
import static dev.asyncore.sample.SampleClients.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code kv} server over real sockets, on an in-memory H2 database: each verb, values with spaces, the
 * {@code ERR} cases (the connection stays usable), a thousand pipelined requests answered in order, and a line past the
 * limit answered {@code ERR} before the connection closes.
 */
class SampleKvServerTests {

    private static ConfigurableApplicationContext context;

    private static int port;

    @BeforeAll
    static void startApp() {
        context = KvApp.run("jdbc:h2:mem:kv-server-tests;DB_CLOSE_DELAY=-1");
        port = KvApp.kvPort(context);
    }

    @AfterAll
    static void stopApp() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void setGetAndDelAnswerAsTheProtocolSays() throws IOException {
        try (Socket client = connect(port)) {
            assertThat(request(client, "GET colour")).isEqualTo("NOT_FOUND");
            assertThat(request(client, "SET colour blue")).isEqualTo("OK");
            assertThat(request(client, "GET colour")).isEqualTo("VALUE blue");
            assertThat(request(client, "SET colour green")).isEqualTo("OK");
            assertThat(request(client, "get colour")).isEqualTo("VALUE green");
            assertThat(request(client, "DEL colour")).isEqualTo("OK");
            assertThat(request(client, "GET colour")).isEqualTo("NOT_FOUND");
            assertThat(request(client, "DEL colour")).isEqualTo("NOT_FOUND");
        }
    }

    @Test
    void aValueIsTheRestOfTheLineWithItsSpacesAndATrailingCarriageReturnIsIgnored() throws IOException {
        try (Socket client = connect(port)) {
            send(client, "SET greeting hello,  wide world \r\n");
            assertThat(readLine(client.getInputStream())).isEqualTo("OK");
            assertThat(request(client, "GET greeting\r")).isEqualTo("VALUE hello,  wide world ");
        }
        assertThat(context.getBean(KvRepository.class).get("greeting")).contains("hello,  wide world ");
    }

    @Test
    void malformedLinesAreAnsweredErrAndTheConnectionStaysUsable() throws IOException {
        try (Socket client = connect(port)) {
            assertThat(request(client, "")).isEqualTo("ERR empty line");
            assertThat(request(client, "PUT a 1")).startsWith("ERR unknown command 'PUT'");
            assertThat(request(client, "GET")).isEqualTo("ERR usage: GET <key>");
            assertThat(request(client, "GET a b")).isEqualTo("ERR usage: GET <key>");
            assertThat(request(client, "DEL")).isEqualTo("ERR usage: DEL <key>");
            assertThat(request(client, "SET a")).isEqualTo("ERR usage: SET <key> <value>");
            assertThat(request(client, "SET a ")).isEqualTo("ERR usage: SET <key> <value>");
            assertThat(request(client, "SET " + "k".repeat(KvCommand.MAX_KEY_LENGTH + 1) + " v"))
                    .startsWith("ERR key longer than");
            assertThat(request(client, "SET k " + "v".repeat(KvCommand.MAX_VALUE_LENGTH + 1)))
                    .startsWith("ERR value longer than");
            assertThat(request(client, "SET still usable")).isEqualTo("OK");
            assertThat(request(client, "GET still")).isEqualTo("VALUE usable");
        }
    }

    @Test
    void aThousandPipelinedRequestsAreAnsweredInOrder() throws IOException {
        StringBuilder requests = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            requests.append("SET pipelined-")
                    .append(i)
                    .append(" value ")
                    .append(i)
                    .append('\n');
            expected.add("OK");
            requests.append("GET pipelined-").append(i).append('\n');
            expected.add("VALUE value " + i);
            requests.append("NOPE ").append(i).append('\n'); // answered without the database, yet in its place
            expected.add("ERR unknown command 'NOPE': use SET, GET or DEL");
            requests.append("DEL pipelined-").append(i).append('\n');
            expected.add("OK");
        }
        try (Socket client = connect(port)) {
            send(client, requests.toString()); // all at once: the server has a thousand lines before the first reply
            InputStream in = new BufferedInputStream(client.getInputStream());
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                replies.add(readLine(in));
            }
            assertThat(replies).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLineOverTheLimitIsAnsweredErrThenTheConnectionCloses() throws IOException {
        try (Socket client = connect(port)) {
            assertThat(request(client, "SET before ok")).isEqualTo("OK");
            send(client, "SET long " + "x".repeat(KvHandler.MAX_LINE_LENGTH + 10));
            InputStream in = client.getInputStream();
            assertThat(readLine(in)).isEqualTo("ERR line too long (at most " + KvHandler.MAX_LINE_LENGTH + " bytes)");
            assertThat(in.read()).as("end of stream").isEqualTo(-1);
        }
    }
}
