package dev.asyncore.boot.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.asyncore.boot.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A non-web application (no servlet container on its classpath) with one echo server stays up after {@code main} returns,
 * because the loop thread is not a daemon, serves until it is stopped, and shuts down gracefully on SIGTERM.
 */
class NonWebApplicationTests {

    private Process process;

    private Path log;

    @AfterEach
    void stop() throws InterruptedException {
        if (this.process != null && this.process.isAlive()) {
            this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void staysUpAfterMainReturnsAndServesUntilStopped(@TempDir Path directory) throws Exception {
        this.log = directory.resolve("app.log");
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter((entry) -> !entry.matches(".*(tomcat|servlet|webmvc|web-server).*"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.process = new ProcessBuilder(
                        java,
                        "-cp",
                        classpath,
                        NonWebEchoApplication.class.getName(),
                        "--asyncore.servers.echo.address=127.0.0.1",
                        "--asyncore.servers.echo.port=0",
                        "--asyncore.shutdown.timeout=2s",
                        "--spring.main.banner-mode=off")
                .redirectErrorStream(true)
                .redirectOutput(this.log.toFile())
                .start();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> output().contains("MAIN-RETURNED") || !this.process.isAlive());
        assertThat(output()).contains("SERVLET-PRESENT=false").contains("MAIN-RETURNED");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(this.process::isAlive);

        Matcher port = Pattern.compile("ECHO-PORT=(\\d+)").matcher(output());
        assertThat(port.find()).isTrue();
        assertThat(TestClients.roundTrip(Integer.parseInt(port.group(1)), "still serving"))
                .isEqualTo("still serving");

        this.process.destroy();
        assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output())
                        .contains("Commencing graceful shutdown of asyncore loop 'asyncore-loop'")
                        .contains("Graceful shutdown of asyncore loop 'asyncore-loop' complete"));
    }

    private String output() throws IOException {
        return Files.readString(this.log, StandardCharsets.UTF_8);
    }
}
