package dev.asyncore.boot.server;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnknownHandlerException}: which server names which handler, which handlers exist, and how to declare one.
 *
 * <p>Called by Spring Boot on the thread whose startup failed.
 */
public class UnknownHandlerFailureAnalyzer extends AbstractFailureAnalyzer<UnknownHandlerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownHandlerException cause) {
        return new FailureAnalysis(
                "Property '" + cause.getProperty() + "' has the value '" + cause.getValue()
                        + "', which cannot work: no handler named '" + cause.getValue()
                        + "' exists. Handlers that exist: "
                        + cause.getCandidates() + ".",
                cause.getAction(),
                cause);
    }
}
