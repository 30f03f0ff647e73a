package dev.asyncore.boot.context;

import dev.asyncore.Dispatcher;
import dev.asyncore.LogSink;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Routes a dispatcher's {@code log}/{@code logInfo} messages and {@code handleError} reports to the application's logging
 * (through Spring's commons-logging bridge, so SLF4J and Logback in a Boot app), so that inside a Spring Boot application they
 * follow the application's logging levels, format and files.
 *
 * <p>The logger is the dispatcher's class ({@code dev.asyncore} for messages of the loop itself); the level follows the
 * type: {@code "error"} → ERROR, {@code "warning"} → WARN, anything else ({@code "log"}, {@code "info"}) → INFO. Differs from
 * Python: asyncore writes {@code log()} to stderr and {@code log_info()} to stdout. Called on the loop thread; safe on any
 * thread.
 */
public final class ApplicationLogSink implements LogSink {

    private static final Log FALLBACK = LogFactory.getLog("dev.asyncore");

    @Override
    public void log(Dispatcher source, String type, String message) {
        log(source, type, message, null);
    }

    @Override
    public void log(Dispatcher source, String type, String message, Throwable error) {
        Log logger = source == null ? FALLBACK : LogFactory.getLog(source.getClass());
        switch (type == null ? "info" : type) {
            case "error" -> logger.error(message, error);
            case "warning" -> logger.warn(message, error);
            default -> logger.info(message, error);
        }
    }
}
