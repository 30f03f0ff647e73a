package dev.asyncore.boot.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

import dev.asyncore.AsyncLoop;
import dev.asyncore.boot.actuate.AsyncoreHealthIndicator;
import dev.asyncore.boot.server.AsyncoreServer;
import dev.asyncore.boot.server.AsyncoreServers;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A web application with an echo server, run in its own JVM under a low descriptor limit by
 * {@link DescriptorExhaustionApplicationTests}. Prints {@code PORTS <echo> <http>}, then answers each {@code stats} line
 * on standard input with {@code STATS <acceptErrors> <backingOff> <loopCpuNanos> <wallNanos> <connections> <health>}
 * (read in-process, since HTTP cannot be accepted while descriptors are out); {@code quit} stops it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ExhaustionWebApplication {

    /**
     * Runs the application until {@code quit} or the end of standard input.
     *
     * @param args Spring Boot arguments
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = SpringApplication.run(ExhaustionWebApplication.class, args)) {
            AsyncoreServer echo = context.getBean(AsyncoreServers.class).get("echo");
            AsyncLoop loop = context.getBean(AsyncLoop.class);
            AsyncoreHealthIndicator health = context.getBean(AsyncoreHealthIndicator.class);
            long loopThread = loop.submit(() -> Thread.currentThread().getId()).join();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            System.out.println(
                    "PORTS " + echo.getPort() + " " + context.getEnvironment().getProperty("local.server.port"));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                if (line.equals("stats")) {
                    Health h = health.health(true);
                    System.out.println("STATS " + echo.acceptErrors() + " " + echo.isAcceptBackingOff() + " "
                            + threads.getThreadCpuTime(loopThread) + " " + System.nanoTime() + " "
                            + echo.connections() + " " + h.getStatus() + " "
                            + h.getDetails().get("accepting"));
                }
            }
        }
    }
}
