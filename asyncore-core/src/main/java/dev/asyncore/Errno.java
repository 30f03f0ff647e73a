package dev.asyncore;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The errno classification asyncore relies on, derived from Java exceptions.
 *
 * <p>Differs from Python: Java exposes no errno, so {@link #classify(Throwable)} maps exception types first and the
 * glibc {@code strerror} texts second. Safe to call from any thread.
 */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** Bad file descriptor: any operation on a closed channel. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable (would block). */
    public static final int EAGAIN = 11;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** An error this class cannot classify. */
    public static final int UNKNOWN = -1;

    /** The errnos asyncore treats as "peer gone": {@code send}/{@code recv} call {@code handleClose()} instead of failing. */
    public static final Set<Integer> DISCONNECTED = Set.of(ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF);

    private static final Map<String, Integer> BY_MESSAGE = Map.of(
            "connection reset", ECONNRESET,
            "connection reset by peer", ECONNRESET,
            "broken pipe", EPIPE,
            "transport endpoint is not connected", ENOTCONN,
            "socket is not connected", ENOTCONN,
            "cannot send after transport endpoint shutdown", ESHUTDOWN,
            "software caused connection abort", ECONNABORTED,
            "bad file descriptor", EBADF,
            "connection refused", ECONNREFUSED,
            "address already in use", EADDRINUSE);

    private static final Map<Integer, String> TEXTS = Map.ofEntries(
            Map.entry(EPERM, "Operation not permitted"),
            Map.entry(EBADF, "Bad file descriptor"),
            Map.entry(EAGAIN, "Resource temporarily unavailable"),
            Map.entry(EPIPE, "Broken pipe"),
            Map.entry(EADDRINUSE, "Address already in use"),
            Map.entry(ECONNABORTED, "Software caused connection abort"),
            Map.entry(ECONNRESET, "Connection reset by peer"),
            Map.entry(ENOTCONN, "Transport endpoint is not connected"),
            Map.entry(ESHUTDOWN, "Cannot send after transport endpoint shutdown"),
            Map.entry(ETIMEDOUT, "Connection timed out"),
            Map.entry(ECONNREFUSED, "Connection refused"));

    private Errno() {}

    /**
     * Classifies an exception as the errno Python would have seen.
     *
     * @param t the exception thrown by a channel operation
     * @return the errno, or {@link #UNKNOWN}
     */
    public static int classify(Throwable t) {
        if (t instanceof AsynchronousCloseException) {
            return ESHUTDOWN;
        }
        if (t instanceof ClosedChannelException) {
            return EBADF;
        }
        if (t instanceof NotYetConnectedException) {
            return ENOTCONN;
        }
        if (t instanceof java.net.ConnectException && t.getMessage() == null) {
            return ECONNREFUSED;
        }
        if (t instanceof java.net.BindException) {
            return EADDRINUSE;
        }
        if (t instanceof IOException && t.getMessage() != null) {
            Integer byText = BY_MESSAGE.get(t.getMessage().toLowerCase(Locale.ROOT));
            if (byText != null) {
                return byText;
            }
        }
        return UNKNOWN;
    }

    /**
     * Whether the exception means the peer is gone (one of {@link #DISCONNECTED}).
     *
     * @param t the exception thrown by a channel operation
     * @return true for reset, broken pipe, not connected, shut down, aborted or closed
     */
    public static boolean isDisconnect(Throwable t) {
        return DISCONNECTED.contains(classify(t));
    }

    /**
     * The text of an errno, as Python's {@code asyncore._strerror}.
     *
     * @param errno the error number
     * @return its text, or {@code "Unknown error N"}
     */
    public static String strerror(int errno) {
        return TEXTS.getOrDefault(errno, "Unknown error " + errno);
    }
}
