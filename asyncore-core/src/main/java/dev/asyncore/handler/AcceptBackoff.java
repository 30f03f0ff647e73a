package dev.asyncore.handler;

import java.io.IOException;
import java.time.Duration;

import dev.asyncore.AsyncLoop;
import dev.asyncore.SocketAddresses;
import dev.asyncore.internal.ApiAccess;

/**
 * The back-off of a {@link ServerDispatcher} whose accepts fail for want of descriptors, buffers or memory: it stops
 * accepting for {@value #FIRST_MILLIS} ms, doubling up to {@value #MAX_MILLIS} ms, and logs one warning when an episode
 * begins and one line when it ends. Made with its server (so that the class is loaded before descriptors can run out).
 * Loop thread.
 */
final class AcceptBackoff {

    static final long FIRST_MILLIS = 10;
    static final long MAX_MILLIS = 500;

    private final ServerDispatcher server;
    private long backoffMillis;
    private long resumeAt;
    private long episodeStart;
    private long episodeFailures;

    AcceptBackoff(ServerDispatcher server) {
        this.server = server;
    }

    /** Whether the server may accept now: false until the back-off has passed. */
    boolean mayAccept() {
        if (resumeAt != 0) {
            if (System.nanoTime() - resumeAt < 0) {
                return false;
            }
            resumeAt = 0;
        }
        return true;
    }

    /** An accept failed for want of resources: starts or lengthens the back-off. */
    void failed(IOException e) {
        ApiAccess.counter(server.stats()).acceptFailed();
        long now = System.nanoTime();
        if (episodeFailures++ == 0) {
            episodeStart = now;
            backoffMillis = FIRST_MILLIS;
            log(
                    "warning",
                    "asyncore server " + describe(server) + " cannot accept: " + e.getMessage()
                            + "; it stops accepting for " + backoffMillis + " ms and retries, backing off up to "
                            + MAX_MILLIS
                            + " ms");
        } else {
            backoffMillis = Math.min(MAX_MILLIS, backoffMillis * 2);
        }
        resumeAt = now + Duration.ofMillis(backoffMillis).toNanos();
        if (resumeAt == 0) {
            resumeAt = 1;
        }
        AsyncLoop owner = server.map().owner();
        if (owner != null && owner.isRunning()) {
            owner.schedule(this::resume, Duration.ofMillis(backoffMillis));
        }
        server.interestChanged();
    }

    /** An accept succeeded: ends an episode, if one was under way. */
    void succeeded() {
        if (episodeFailures == 0) {
            return;
        }
        long millis = Duration.ofNanos(System.nanoTime() - episodeStart).toMillis();
        log(
                "info",
                "asyncore server " + describe(server) + " accepts again after " + episodeFailures
                        + " failed accepts in " + millis + " ms");
        episodeFailures = 0;
        backoffMillis = 0;
        ApiAccess.counter(server.stats()).acceptResumed();
    }

    private void resume() {
        if (server.fileno() != null) {
            server.interestChanged();
        }
    }

    private void log(String type, String message) {
        server.map().logSink().log(server, type, message);
    }

    /** The server's address for a log line: where it listens, else what it was bound to. */
    static String describe(ServerDispatcher server) {
        return SocketAddresses.describe(server.logAddress());
    }
}
