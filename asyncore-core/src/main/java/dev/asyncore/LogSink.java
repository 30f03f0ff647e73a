package dev.asyncore;

/**
 * Where {@link Dispatcher#log(Object)} and {@link Dispatcher#logInfo(String, String)} write.
 *
 * <p>The default, {@link #STANDARD_STREAMS}, writes as Python does: {@code log: msg} to standard error and
 * {@code type: msg} to standard output, resolving {@code System.out}/{@code System.err} at call time. A Spring Boot
 * application routes it to its own logging instead. Called on the thread that logs (normally the loop thread);
 * implementations must be thread-safe.
 */
@FunctionalInterface
public interface LogSink {

    /** The type {@link Dispatcher#log(Object)} passes. */
    String LOG = "log";

    /** Python's behaviour: {@code log} to standard error, every other type to standard output. */
    LogSink STANDARD_STREAMS = (source, type, message) -> {
        if (LOG.equals(type)) {
            System.err.println("log: " + message);
        } else {
            System.out.println(type + ": " + message);
        }
    };

    /**
     * Writes one message.
     *
     * @param source the dispatcher that logs, or null for the loop itself
     * @param type {@link #LOG} for {@code log()}, else the {@code logInfo} type ({@code info}, {@code warning}, {@code error}, ...)
     * @param message the message
     */
    void log(Dispatcher source, String type, String message);

    /**
     * Writes one message about a failure. The default appends the error to the message; a sink backed by a logging
     * framework logs the stack trace too.
     *
     * @param source the dispatcher that logs, or null for the loop itself
     * @param type the type, as in {@link #log(Dispatcher, String, String)}
     * @param message the message
     * @param error the failure, or null
     */
    default void log(Dispatcher source, String type, String message, Throwable error) {
        log(source, type, error == null ? message : message + ": " + error);
    }
}
