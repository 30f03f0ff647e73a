package dev.asyncore.handler;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;

/** How one connect attempt of a {@link ClientConnector} ended. */
public enum ConnectOutcome {
    /** The connection is up and the handler made. */
    SUCCESS,
    /** The peer refused it (nothing listens there). */
    REFUSED,
    /** No answer within the connect timeout. */
    TIMEOUT,
    /** Anything else: no route, a name that does not resolve, a handler factory that threw. */
    ERROR;

    /**
     * The outcome a failure stands for. Any thread.
     *
     * @param failure why the attempt failed
     * @return {@link #REFUSED}, {@link #TIMEOUT} or {@link #ERROR}
     */
    public static ConnectOutcome of(Throwable failure) {
        if (failure instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (failure instanceof ConnectException && !(failure instanceof NoRouteToHostException)) {
            return REFUSED;
        }
        return ERROR;
    }
}
