package dev.asyncore.boot.server;

import java.util.List;

/**
 * Thrown at startup when {@code asyncore.servers.<name>.handler} names neither the built-in {@code echo} nor a handler bean.
 *
 * <p>Raised on the thread that refreshes the application context.
 */
public class UnknownHandlerException extends InvalidAsyncorePropertyException {

    private static final long serialVersionUID = 1L;

    private final List<String> candidates;

    /**
     * Creates the exception.
     *
     * @param property the full property name, {@code asyncore.servers.<name>.handler}
     * @param value the handler name that was not found
     * @param candidates the handler names that exist: {@code echo} and the eligible beans
     */
    public UnknownHandlerException(String property, String value, List<String> candidates) {
        super(
                property,
                value,
                "no handler named '" + value + "' exists",
                "Set " + property + " to one of " + candidates + ", or declare a bean named '" + value
                        + "' that is a dev.asyncore.handler.HandlerFactory or a prototype-scoped dev.asyncore.Dispatcher.");
        this.candidates = List.copyOf(candidates);
    }

    /**
     * Returns the handler names that exist.
     *
     * @return {@code echo} and the names of eligible beans
     */
    public List<String> getCandidates() {
        return this.candidates;
    }
}
