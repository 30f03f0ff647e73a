package dev.asyncore.sample;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static dev.asyncore.sample.SampleClients.WAIT;
import static dev.asyncore.sample.SampleClients.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app as shipped, without the {@code dev} profile, shows a production posture: health answers its status alone
 * (no working directory, disk or certificate details), only the endpoints a dashboard needs are exposed, and only the
 * asyncore, JVM, process and HTTP meters are registered.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.servers.echo.port=0",
            "asyncore.servers.chat.port=0",
            "asyncore.servers.udp-echo.port=0",
            "asyncore.servers.echo-tls.port=0",
            "asyncore.shutdown.timeout=1s"
        })
@DirtiesContext
class SampleApplicationPostureTests {

    @LocalServerPort
    private int httpPort;

    @Test
    void healthAnswersItsStatusWithoutDetails() throws IOException {
        String body = get(this.httpPort, "/actuator/health");
        assertThat((String) JsonPath.read(body, "$.status")).isEqualTo("UP");
        assertThat(body).doesNotContain("components", "details", "diskSpace", "sample-dev");
    }

    @Test
    void onlyTheDashboardsEndpointsAreExposed() throws IOException {
        String links = get(this.httpPort, "/actuator");
        Map<String, Object> exposed = JsonPath.read(links, "$._links");
        assertThat(exposed).containsKeys("health", "info", "asyncore", "metrics");
        assertThat(exposed.keySet()).allMatch((link) -> link.matches("(self|health|info|asyncore|metrics)(-.*)?"));
        for (String hidden :
                List.of("/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump")) {
            assertThat(status(hidden)).as(hidden).isEqualTo(404);
        }
    }

    @Test
    void onlyTheMetersADashboardPlotsAreRegistered() throws IOException {
        List<String> names = JsonPath.read(get(this.httpPort, "/actuator/metrics"), "$.names[*]");
        assertThat(names).contains("asyncore.channels", "asyncore.output.queued", "jvm.memory.used");
        assertThat(names)
                .allSatisfy((name) -> assertThat(name)
                        .matches("(asyncore|jvm\\.(memory|gc|threads)|process|system\\.cpu|http\\.server\\.requests)"
                                + "\\..*|http\\.server\\.requests"));
    }

    private int status(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection)
                URI.create("http://localhost:" + this.httpPort + path).toURL().openConnection();
        try {
            connection.setConnectTimeout((int) WAIT.toMillis());
            connection.setReadTimeout((int) WAIT.toMillis());
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }
}
