package dev.asyncore.internal;

import java.util.Objects;

/**
 * Hands the machinery what the API opens to it without making it public API (the JDK's {@code SharedSecrets}):
 * {@code DispatcherMap} installs the loop's {@link ChannelAccess} here as it initializes. Any thread.
 */
public final class ApiAccess {

    private static volatile ChannelAccess channels;

    private ApiAccess() {}

    /**
     * Installs the loop's access to channels and maps; called once, by {@code DispatcherMap} as it initializes.
     *
     * @param access the accessor
     */
    public static void install(ChannelAccess access) {
        channels = Objects.requireNonNull(access, "access");
    }

    /**
     * What the loop calls on a channel and its map. Any thread.
     *
     * @return the accessor
     */
    public static ChannelAccess channels() {
        ChannelAccess c = channels;
        if (c == null) {
            // no map exists yet: initialize the class that installs the accessor
            try {
                Class.forName("dev.asyncore.DispatcherMap", true, ApiAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            c = channels;
        }
        return c;
    }
}
