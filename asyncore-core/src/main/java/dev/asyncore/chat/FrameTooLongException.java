package dev.asyncore.chat;

import java.io.IOException;

/**
 * Thrown by {@link AsyncChat}'s input framing when more than {@link AsyncChat#maxFrameLength()} bytes arrive without the
 * terminator. It reaches the channel's {@code handleError}, which by default closes that channel alone.
 *
 * <p>Differs from Python: asynchat has no such limit.
 */
public class FrameTooLongException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int maxFrameLength;
    private final long frameLength;

    /**
     * Creates the exception for a frame of at least {@code frameLength} bytes against the limit {@code maxFrameLength}.
     *
     * @param maxFrameLength the limit that was exceeded
     * @param frameLength how many bytes of the frame had arrived when the limit was exceeded
     */
    public FrameTooLongException(int maxFrameLength, long frameLength) {
        super("frame of " + frameLength + " bytes without terminator exceeds maxFrameLength " + maxFrameLength);
        this.maxFrameLength = maxFrameLength;
        this.frameLength = frameLength;
    }

    /**
     * Returns the limit that was exceeded.
     *
     * @return the maximum frame length in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Returns how many bytes of the frame had arrived when the limit was exceeded.
     *
     * @return the frame length seen, greater than {@link #maxFrameLength()}
     */
    public long frameLength() {
        return frameLength;
    }
}
