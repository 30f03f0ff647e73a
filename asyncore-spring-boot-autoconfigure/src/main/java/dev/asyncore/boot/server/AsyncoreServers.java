package dev.asyncore.boot.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.asyncore.AsyncLoop;
import dev.asyncore.AsyncLoopGroup;
import dev.asyncore.DispatcherMap;

/**
 * The named servers of the application, in declaration order: starts and stops them together and finds them by name.
 *
 * <p>{@link #start} and {@link #stop} run on the loop thread, or on any thread before the loop owns the map. {@link #get} and
 * {@link #all} may be called from any thread.
 */
public final class AsyncoreServers {

    private final Map<String, AsyncoreServer> servers;

    /**
     * Makes a server of each factory; nothing is bound yet.
     *
     * @param factories the servers' settings, customizers already applied
     */
    public AsyncoreServers(List<AsyncoreServerFactory> factories) {
        Map<String, AsyncoreServer> byName = new LinkedHashMap<>();
        for (AsyncoreServerFactory factory : factories) {
            byName.put(factory.getName(), factory.getServer());
        }
        this.servers = Collections.unmodifiableMap(byName);
    }

    /**
     * Binds every server, in declaration order; on a failure closes the ones already bound and rethrows.
     *
     * @param map the managed map
     * @return the servers that were started
     * @throws AsyncoreServerBindException when one cannot bind
     */
    public List<AsyncoreServer> start(DispatcherMap map) {
        List<AsyncoreServer> started = new ArrayList<>();
        try {
            for (AsyncoreServer server : this.servers.values()) {
                server.start(map);
                started.add(server);
            }
        } catch (RuntimeException ex) {
            started.forEach(AsyncoreServer::stop);
            throw ex;
        }
        return started;
    }

    /**
     * Binds every server on a loop's thread, in one step, and waits ({@link AsyncLoop#callAndWait}): at once when the loop
     * does not run yet or the caller is its thread. On a failure closes the ones already bound and rethrows. Any thread.
     *
     * @param loop the managed loop
     * @return the servers that were started
     * @throws AsyncoreServerBindException when one cannot bind
     */
    public List<AsyncoreServer> start(AsyncLoop loop) {
        return callAndWait(loop, () -> start(loop.map()));
    }

    /**
     * Runs a step on a loop's thread and waits ({@link AsyncLoop#callAndWait}); the step throws unchecked exceptions only,
     * which reach the caller as they were thrown. Any thread.
     */
    static <T> T callAndWait(AsyncLoop loop, Callable<T> step) {
        try {
            return loop.callAndWait(step);
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IllegalStateException("a server step on " + loop.threadName() + " failed", ex);
        }
    }

    /**
     * Binds every server on the loops of a group, in declaration order (see {@link AsyncoreServer#start(AsyncLoopGroup)});
     * on a failure closes the ones already bound and rethrows. Call from a thread outside the group.
     *
     * @param group the managed loops
     * @return the servers that were started
     * @throws AsyncoreServerBindException when one cannot bind
     */
    public List<AsyncoreServer> start(AsyncLoopGroup group) {
        List<AsyncoreServer> started = new ArrayList<>();
        try {
            for (AsyncoreServer server : this.servers.values()) {
                server.start(group);
                started.add(server);
            }
        } catch (RuntimeException ex) {
            for (AsyncoreServer server : started) {
                if (server.isSpread()) {
                    server.stop();
                } else {
                    server.dispatcher().execute(server::stop);
                }
            }
            throw ex;
        }
        return started;
    }

    /** Closes every listening socket. Idempotent. */
    public void stop() {
        this.servers.values().forEach(AsyncoreServer::stop);
    }

    /**
     * Finds a server by name.
     *
     * @param name the key under {@code asyncore.servers}
     * @return the server, or null when none has that name
     */
    public AsyncoreServer get(String name) {
        return this.servers.get(name);
    }

    /**
     * Returns every server, in declaration order.
     *
     * @return a read-only map from name to server
     */
    public Map<String, AsyncoreServer> all() {
        return this.servers;
    }
}
