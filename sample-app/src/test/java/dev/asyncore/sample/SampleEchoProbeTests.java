package dev.asyncore.sample;

import dev.asyncore.boot.actuate.AsyncoreEndpoint;
import dev.asyncore.boot.actuate.ClientDescriptor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's {@code echo-probe} client, as application.yml declares it, connects over TLS (checking the name localhost)
 * to the port the sample's own echo-tls server bound (0 here: the system picks it) and shows in the {@code asyncore}
 * endpoint with its round trip counted.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.NONE,
        properties = {
            "asyncore.servers.echo.port=0",
            "asyncore.servers.chat.port=0",
            "asyncore.servers.echo-any-port.port=0",
            "asyncore.servers.udp-echo.port=0",
            "asyncore.servers.echo-tls.port=0",
            "asyncore.servers.kv.port=0",
            "spring.datasource.url=jdbc:h2:mem:sample-echo-probe-tests",
            "asyncore.shutdown.timeout=1s"
        })
@DirtiesContext
class SampleEchoProbeTests {

    @Value("${local.asyncore.servers.echo-tls.port}")
    private int echoTlsPort;

    @Autowired
    private AsyncoreEndpoint endpoint;

    @Test
    void theProbeConnectsToTheEchoServerAndShowsInTheEndpoint() {
        await().untilAsserted(() -> {
            ClientDescriptor probe = this.endpoint.asyncore().clients().get("echo-probe");
            assertThat(probe.state()).isEqualTo("CONNECTED");
            assertThat(probe.address()).endsWith(":" + this.echoTlsPort);
            assertThat(probe.bytesSent()).isEqualTo("hello from echo-probe\n".length());
            assertThat(probe.bytesReceived()).isEqualTo(probe.bytesSent());
        });
    }
}
