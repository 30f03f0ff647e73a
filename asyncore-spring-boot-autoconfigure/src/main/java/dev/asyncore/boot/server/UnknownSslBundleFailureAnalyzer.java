package dev.asyncore.boot.server;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnknownSslBundleException}: which server names which bundle, which bundles exist, and how to declare
 * one.
 *
 * <p>Called by Spring Boot on the thread whose startup failed.
 */
public class UnknownSslBundleFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSslBundleException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownSslBundleException cause) {
        return new FailureAnalysis(
                "Property '" + cause.getProperty() + "' has the value '" + cause.getValue()
                        + "', which cannot work: no SSL bundle named '" + cause.getValue()
                        + "' exists. SSL bundles that exist: " + cause.getBundles() + ".",
                cause.getAction(),
                cause);
    }
}
