package dev.asyncore.boot.server;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidAsyncorePropertyException} (and so an {@link UnknownHandlerException}): the property, its value,
 * why it cannot work and what to set instead.
 *
 * <p>Called by Spring Boot on the thread whose startup failed.
 */
public class InvalidAsyncorePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAsyncorePropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidAsyncorePropertyException cause) {
        String value = cause.getValue() == null ? "(not set)" : "'" + cause.getValue() + "'";
        return new FailureAnalysis(
                "Property '" + cause.getProperty() + "' has the value " + value + ", which cannot work: "
                        + cause.getReason() + ".",
                cause.getAction(),
                cause);
    }
}
