package dev.asyncore;

/**
 * Thrown from a handler to end {@link Asyncore#loop()} (or to stop an {@link AsyncLoop}).
 *
 * <p>The loop's read/write wrappers re-throw it instead of calling {@code handleError}.
 */
public class ExitNow extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with no message. */
    public ExitNow() {
        super();
    }

    /**
     * Creates the exception with a message.
     *
     * @param message why the loop should end
     */
    public ExitNow(String message) {
        super(message);
    }
}
