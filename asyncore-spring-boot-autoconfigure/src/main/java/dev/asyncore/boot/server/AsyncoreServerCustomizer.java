package dev.asyncore.boot.server;

/**
 * Callback that adjusts a server's settings before it binds, for what the {@code asyncore.servers.<name>.*} properties do not
 * cover (socket options, a wrapping handler factory, a computed address).
 *
 * <p>Every bean of this type is called once per configured server, in {@code @Order} order, on the thread that refreshes the
 * application context, before the loop starts.
 */
@FunctionalInterface
public interface AsyncoreServerCustomizer {

    /**
     * Adjusts one server's settings; {@link AsyncoreServerFactory#getName()} says which server it is.
     *
     * @param factory the settings of the server, still unbound
     */
    void customize(AsyncoreServerFactory factory);
}
