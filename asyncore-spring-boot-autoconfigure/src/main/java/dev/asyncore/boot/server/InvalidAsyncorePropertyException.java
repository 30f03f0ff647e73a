package dev.asyncore.boot.server;

/**
 * Thrown at startup when an {@code asyncore.*} property has a value that cannot work; names the property, the value and the fix.
 *
 * <p>Raised on the thread that refreshes the application context.
 */
public class InvalidAsyncorePropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final String value;

    private final String reason;

    private final String action;

    /**
     * Creates the exception.
     *
     * @param property the full property name, for example {@code asyncore.servers.echo.port}
     * @param value the value it had, as text (may be null when the property is missing)
     * @param reason why the value cannot work
     * @param action what to change
     */
    public InvalidAsyncorePropertyException(String property, Object value, String reason, String action) {
        super("Invalid value '" + value + "' of property '" + property + "': " + reason);
        this.property = property;
        this.value = value == null ? null : String.valueOf(value);
        this.reason = reason;
        this.action = action;
    }

    /**
     * Returns the full property name.
     *
     * @return for example {@code asyncore.servers.echo.port}
     */
    public String getProperty() {
        return this.property;
    }

    /**
     * Returns the value the property had.
     *
     * @return the value as text, or null when it was missing
     */
    public String getValue() {
        return this.value;
    }

    /**
     * Returns why the value cannot work.
     *
     * @return the reason
     */
    public String getReason() {
        return this.reason;
    }

    /**
     * Returns what to change.
     *
     * @return the fix
     */
    public String getAction() {
        return this.action;
    }
}
