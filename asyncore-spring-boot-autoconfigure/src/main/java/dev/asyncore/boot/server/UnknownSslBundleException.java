package dev.asyncore.boot.server;

import java.util.List;

/**
 * Thrown at startup when {@code asyncore.servers.<name>.ssl.bundle} (or the {@code bundle} of one of its
 * {@code ssl.server-name-bundles}, or a client's {@code ssl.bundle}) names no {@code spring.ssl.bundle.*} entry.
 *
 * <p>Raised on the thread that refreshes the application context.
 */
public class UnknownSslBundleException extends InvalidAsyncorePropertyException {

    private static final long serialVersionUID = 1L;

    private final List<String> bundles;

    /**
     * Creates the exception.
     *
     * @param property the full property name, such as {@code asyncore.servers.<name>.ssl.bundle} or
     *     {@code asyncore.servers.<name>.ssl.server-name-bundles[1].bundle}
     * @param value the bundle name that was not found
     * @param bundles the names of the bundles that exist
     */
    public UnknownSslBundleException(String property, String value, List<String> bundles) {
        super(
                property,
                value,
                "no SSL bundle named '" + value + "' exists",
                "Set " + property + " to one of the SSL bundles " + bundles + ", or declare a bundle named '" + value
                        + "' under spring.ssl.bundle.pem." + value + " (or spring.ssl.bundle.jks." + value + ").");
        this.bundles = List.copyOf(bundles);
    }

    /**
     * Returns the names of the bundles that exist. Any thread.
     *
     * @return the names
     */
    public List<String> getBundles() {
        return this.bundles;
    }
}
