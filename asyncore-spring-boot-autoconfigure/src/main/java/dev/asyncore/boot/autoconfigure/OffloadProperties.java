package dev.asyncore.boot.autoconfigure;

/** Blocking calls handlers hand off the loop ({@code asyncore.offload.*}); each server has its own limits and figures. */
public class OffloadProperties {

    /**
     * Executor that runs the calls: "auto" (Spring Boot's applicationTaskExecutor when the application has one, so
     * spring.threads.virtual.enabled=true gives virtual threads; else asyncore's own), "application" (require
     * applicationTaskExecutor), "asyncore" (asyncore's own: virtual threads on Java 21+, a bounded pool on 17), or the
     * name of an Executor bean.
     */
    private String executor = "auto";

    /** Most calls in flight for one connection; past it the connection stops reading until one returns. */
    private int maxInFlightPerConnection = 16;

    /** Most calls of one server running on the executor at once; more wait in the server's queue. */
    private int maxInFlight = 256;

    /** Most calls of one server waiting for a place among max-in-flight; past it calls are rejected. */
    private int maxWaiting = 1024;

    /** Whether a call still running when its connection closes is interrupted (its result is dropped either way). */
    private boolean interruptOnClose;

    public String getExecutor() {
        return this.executor;
    }

    public void setExecutor(String executor) {
        this.executor = executor;
    }

    public int getMaxInFlightPerConnection() {
        return this.maxInFlightPerConnection;
    }

    public void setMaxInFlightPerConnection(int maxInFlightPerConnection) {
        this.maxInFlightPerConnection = maxInFlightPerConnection;
    }

    public int getMaxInFlight() {
        return this.maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public int getMaxWaiting() {
        return this.maxWaiting;
    }

    public void setMaxWaiting(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    public boolean isInterruptOnClose() {
        return this.interruptOnClose;
    }

    public void setInterruptOnClose(boolean interruptOnClose) {
        this.interruptOnClose = interruptOnClose;
    }
}
