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
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied (for example binding a port below 1024 without the privilege). */
    public static final int EACCES = 13;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files in this process. */
    public static final int EMFILE = 24;
    /** Resource temporarily unavailable (would block). */
    public static final int EAGAIN = 11;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address (the address is not on this machine). */
    public static final int EADDRNOTAVAIL = 99;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
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

    /** The errnos that mean the process or the system ran out of something an accept needs. */
    public static final Set<Integer> EXHAUSTED = Set.of(EMFILE, ENFILE, ENOBUFS, ENOMEM);

    private static final Map<String, Integer> BY_MESSAGE = Map.ofEntries(
            Map.entry("connection reset", ECONNRESET),
            Map.entry("connection reset by peer", ECONNRESET),
            Map.entry("broken pipe", EPIPE),
            Map.entry("transport endpoint is not connected", ENOTCONN),
            Map.entry("socket is not connected", ENOTCONN),
            Map.entry("cannot send after transport endpoint shutdown", ESHUTDOWN),
            Map.entry("software caused connection abort", ECONNABORTED),
            Map.entry("bad file descriptor", EBADF),
            Map.entry("connection refused", ECONNREFUSED),
            Map.entry("address already in use", EADDRINUSE),
            Map.entry("cannot assign requested address", EADDRNOTAVAIL),
            Map.entry("permission denied", EACCES),
            Map.entry("too many open files", EMFILE),
            Map.entry("too many open files in system", ENFILE),
            Map.entry("no buffer space available", ENOBUFS),
            Map.entry("cannot allocate memory", ENOMEM));

    private static final Map<Integer, String> TEXTS = Map.ofEntries(
            Map.entry(EPERM, "Operation not permitted"),
            Map.entry(EBADF, "Bad file descriptor"),
            Map.entry(ENOMEM, "Cannot allocate memory"),
            Map.entry(EACCES, "Permission denied"),
            Map.entry(ENFILE, "Too many open files in system"),
            Map.entry(EMFILE, "Too many open files"),
            Map.entry(EADDRNOTAVAIL, "Cannot assign requested address"),
            Map.entry(ENOBUFS, "No buffer space available"),
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
        if (t instanceof IOException && t.getMessage() != null) {
            Integer byText = BY_MESSAGE.get(leadingText(t.getMessage()));
            if (byText != null) {
                return byText;
            }
        }
        if (t instanceof java.net.BindException) {
            return EADDRINUSE;
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
     * Whether the exception means the process or the system ran out of descriptors, buffers or memory (one of
     * {@link #EXHAUSTED}): retrying later may succeed, retrying at once will not.
     *
     * @param t the exception thrown by a channel operation
     * @return true for too many open files (process or system), no buffer space, or no memory
     */
    public static boolean isExhausted(Throwable t) {
        return EXHAUSTED.contains(classify(t));
    }

    /** The strerror part of a JDK message, lower case: {@code "Address already in use (Bind failed)"} gives the first. */
    private static String leadingText(String message) {
        String text = message.toLowerCase(Locale.ROOT).strip();
        int paren = text.indexOf(" (");
        return paren > 0 ? text.substring(0, paren) : text;
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
