package dev.asyncore.boot.it;

import dev.asyncore.boot.context.AsyncoreServerInitializedEvent;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.event.EventListener;

/** A non-web application with one echo server, started in its own JVM by {@link NonWebApplicationTests}. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class NonWebEchoApplication {

    /** Starts the application; prints the web application type and the echo port, and says when main returns. */
    public static void main(String[] args) {
        SpringApplication.run(NonWebEchoApplication.class, args);
        System.out.println("MAIN-RETURNED");
    }

    /** Prints the bound port for the test to read. */
    @EventListener
    public void onServer(AsyncoreServerInitializedEvent event) {
        System.out.println("ECHO-PORT=" + event.getPort());
        System.out.println("SERVLET-PRESENT=" + isPresent("jakarta.servlet.Servlet"));
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException ex) {
            return false;
        }
    }
}
