package dev.asyncore.boot.autoconfigure;

/** One server's offload limits ({@code asyncore.servers.<name>.offload.*}); unset ones come from asyncore.offload. */
public class ServerOffloadProperties {

    /** Most calls in flight for one connection of this server; asyncore.offload.max-in-flight-per-connection if unset. */
    private Integer maxInFlightPerConnection;

    /** Most calls of this server running at once; asyncore.offload.max-in-flight if unset. */
    private Integer maxInFlight;

    /** Most calls of this server waiting for a place; asyncore.offload.max-waiting if unset. */
    private Integer maxWaiting;

    /** Whether a call still running when its connection closes is interrupted; asyncore.offload.interrupt-on-close if unset. */
    private Boolean interruptOnClose;

    public Integer getMaxInFlightPerConnection() {
        return this.maxInFlightPerConnection;
    }

    public void setMaxInFlightPerConnection(Integer maxInFlightPerConnection) {
        this.maxInFlightPerConnection = maxInFlightPerConnection;
    }

    public Integer getMaxInFlight() {
        return this.maxInFlight;
    }

    public void setMaxInFlight(Integer maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Integer getMaxWaiting() {
        return this.maxWaiting;
    }

    public void setMaxWaiting(Integer maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    public Boolean getInterruptOnClose() {
        return this.interruptOnClose;
    }

    public void setInterruptOnClose(Boolean interruptOnClose) {
        this.interruptOnClose = interruptOnClose;
    }
}
