package dev.asyncore.blockhound;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Offload;
import dev.asyncore.internal.loop.LoopPasses;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Tells BlockHound that asyncore loop threads must not block: with BlockHound installed ({@code BlockHound.install()},
 * which finds this integration through the service loader), a handler, task or timer that sleeps, waits on a lock, or does
 * blocking file, socket or JDBC I/O on a loop thread throws {@code reactor.blockhound.BlockingOperationError}, which
 * reaches that dispatcher's {@code handleError} and closes its channel. What the loop itself must do is allowed: its select
 * (which BlockHound does not count as blocking), the sleep of its back-off after a failing pass, the brief locks of handing
 * a call to the offload's executor, and the JDK TLS engine's reads of {@code /dev/urandom} during handshakes. Loop threads
 * are told apart by type ({@link AsyncLoop#isLoopThread(Thread)}), not by name.
 *
 * <p>Meant for tests: BlockHound instruments the JVM it is installed in and needs
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods} on JDK 13 and later. The dependency is optional: add
 * {@code io.projectreactor.tools:blockhound} to the test classpath. Any thread (BlockHound calls it once, at install).
 */
public final class AsyncoreBlockHoundIntegration implements BlockHoundIntegration {

    /** Creates the integration; BlockHound's service loader does. Any thread. */
    public AsyncoreBlockHoundIntegration() {}

    /**
     * Marks loop threads as non-blocking and allows what the loop itself must do. Any thread.
     *
     * @param builder BlockHound's builder
     */
    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(current -> current.or(AsyncLoop::isLoopThread));
        // The back-off after a failing pass (an exhausted process, a broken selector) sleeps on purpose.
        builder.allowBlockingCallsInside(LoopPasses.class.getName(), "backOff");
        // Handing a blocking call to its executor takes the offload's and the executor queue's locks, held for a few
        // instructions by whichever thread holds them: the hand-off that keeps the call itself off the loop.
        builder.allowBlockingCallsInside(Offload.class.getName(), "submit");
        // The JDK's TLS engine draws its randoms (hello randoms, key shares, signatures, session tickets) from
        // SecureRandom, which reads /dev/urandom: a short read that never waits. No handler code runs inside these.
        builder.allowBlockingCallsInside("sun.security.ssl.SSLEngineImpl", "wrap");
        builder.allowBlockingCallsInside("sun.security.ssl.SSLEngineImpl", "unwrap");
        // A client engine writes its ClientHello (and draws its random) as the handshake begins.
        builder.allowBlockingCallsInside("sun.security.ssl.SSLEngineImpl", "beginHandshake");
        builder.allowBlockingCallsInside("sun.security.ssl.SSLEngineImpl$DelegatedTask", "run");
    }
}
