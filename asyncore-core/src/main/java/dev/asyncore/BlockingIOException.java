package dev.asyncore;

import java.io.IOException;

/**
 * Thrown by {@link Dispatcher#recv(int)} when the channel has no data after all (Python's {@code BlockingIOError}).
 *
 * <p>A selector may report a channel readable that then has nothing to read; {@code AsyncChat.handleRead} ignores this.
 */
public class BlockingIOException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the errno text of {@code EAGAIN}. */
    public BlockingIOException() {
        super(Errno.strerror(Errno.EAGAIN));
    }
}
