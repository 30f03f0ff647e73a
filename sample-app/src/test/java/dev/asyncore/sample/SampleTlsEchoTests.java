package dev.asyncore.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's TLS walkthrough: the sample's {@code echo-tls} server, on the development certificate of the
 * {@code sample-dev} bundle, echoes to {@code openssl s_client} verifying it against the development CA. Skipped without
 * {@code openssl}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "asyncore.servers.echo.port=0",
            "asyncore.servers.chat.port=0",
            "asyncore.servers.echo-tls.port=0",
            "asyncore.servers.kv.port=0",
            "spring.datasource.url=jdbc:h2:mem:sample-tls-echo-tests",
            "asyncore.shutdown.timeout=1s"
        })
@DirtiesContext
class SampleTlsEchoTests {

    @Value("${local.asyncore.servers.echo-tls.port}")
    private int tlsPort;

    @Test
    void opensslClientIsEchoedByTheTlsEchoServer() throws Exception {
        assumeTrue(opensslPresent(), "openssl is required for the TLS walkthrough test");
        Path ca = Path.of(getClass().getResource("/tls/dev-only-ca.crt").toURI());
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + this.tlsPort,
                        "-CAfile",
                        ca.toString(),
                        "-verify_return_error",
                        "-verify_hostname",
                        "localhost",
                        "-quiet")
                .redirectErrorStream(true)
                .start();
        try {
            p.getOutputStream().write("hello over tls\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
            boolean echoed = CompletableFuture.supplyAsync(() -> {
                        try {
                            String line;
                            while ((line = out.readLine()) != null) {
                                if (line.equals("hello over tls")) {
                                    return true;
                                }
                            }
                            return false;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .get(SampleClients.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(echoed).isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean opensslPresent() {
        try {
            Process p = new ProcessBuilder("openssl", "version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
