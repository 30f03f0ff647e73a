package dev.asyncore.boot.it;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Boot's default exposure, the {@code asyncore} endpoint is not reachable over HTTP: the user must include it,
 * as for every endpoint but health. Health itself is there and shows the component's status only.
 */
@SpringBootTest(
        classes = EndpointExposureTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "asyncore.loop.thread-name=asyncore-exposure-it",
            "asyncore.shutdown.timeout=1s",
            "asyncore.servers.echo.address=127.0.0.1",
            "asyncore.servers.echo.port=0"
        })
class EndpointExposureTests {

    @Value("${local.server.port}")
    int httpPort;

    @Test
    void asyncoreEndpointIsNotExposedUnlessIncluded() throws Exception {
        assertThat(get("/actuator/asyncore").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/asyncore/echo").statusCode()).isEqualTo(404);
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("echo");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return new ActuatorClient(this.httpPort).send(path);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
