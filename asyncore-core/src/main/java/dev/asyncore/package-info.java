/**
 * Python's {@code asyncore} on Java NIO: {@link dev.asyncore.Dispatcher} and its subclasses, the channel map
 * {@link dev.asyncore.DispatcherMap}, the module functions in {@link dev.asyncore.Asyncore} ({@code loop}, {@code poll},
 * {@code closeAll}, ...) and the managed loop {@link dev.asyncore.AsyncLoop}.
 *
 * <p>Threads: one thread, the loop thread, owns a map and every dispatcher in it; every event handler, {@code readable()},
 * {@code writable()} and socket call runs there. {@code Asyncore.loop()} makes the caller the loop thread; an
 * {@code AsyncLoop} runs its own. What other threads may call is said on each type: {@code AsyncLoop.execute},
 * {@code submit}, {@code schedule} and {@code shutdownGracefully}, the map's counts, and the figures of
 * {@link dev.asyncore.ServerStats}. A dispatcher that joins a running loop's map is built on the loop thread, through
 * {@code AsyncLoop.submit}.
 * Where Java forces a behaviour different from Python's, the Javadoc says "Differs from Python".
 */
package dev.asyncore;
