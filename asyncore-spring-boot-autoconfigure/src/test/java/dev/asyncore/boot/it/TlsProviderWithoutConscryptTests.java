package dev.asyncore.boot.it;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ssl.provider: openssl} in an application without Conscrypt on its class path fails startup with a report that
 * names the property and the dependency to add, for a server and for a client. Each case runs in a JVM of its own whose
 * class path is this one's without Conscrypt.
 */
class TlsProviderWithoutConscryptTests {

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : this.processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"asyncore.servers.echo", "asyncore.clients.upstream"})
    void opensslWithoutConscryptFailsStartupNamingThePropertyAndTheDependency(String prefix) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter((entry) -> !entry.contains("conscrypt"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                NonWebEchoApplication.class.getName(),
                "--spring.main.banner-mode=off",
                "--spring.ssl.bundle.pem.dev.keystore.certificate=classpath:tls/dev-server.crt",
                "--spring.ssl.bundle.pem.dev.keystore.private-key=classpath:tls/dev-server.key",
                "--spring.ssl.bundle.pem.dev.truststore.certificate=classpath:tls/dev-ca.crt",
                "--asyncore.servers.echo.address=127.0.0.1",
                "--asyncore.servers.echo.port=0",
                "--" + prefix + ".ssl.bundle=dev",
                "--" + prefix + ".ssl.provider=openssl"));
        if (prefix.startsWith("asyncore.clients")) {
            command.addAll(List.of(
                    "--asyncore.clients.upstream.host=127.0.0.1",
                    "--asyncore.clients.upstream.port=1",
                    "--asyncore.clients.upstream.handler=echo"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        this.processes.add(process);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property '" + prefix + ".ssl.provider' has the value 'openssl', which cannot work: "
                        + "TLS on OpenSSL needs Conscrypt on the class path: add org.conscrypt:conscrypt-openjdk-uber")
                .contains("Add org.conscrypt:conscrypt-openjdk-uber to the application's dependencies")
                .doesNotContain("MAIN-RETURNED");
    }
}
