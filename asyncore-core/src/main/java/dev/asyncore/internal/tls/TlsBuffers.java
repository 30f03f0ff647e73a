package dev.asyncore.internal.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Holds one TLS connection's bytes between steps (records read and not yet decrypted, plaintext not yet read, records
 * not yet written) and moves records between them and the socket. Loop thread, as the transport that holds it.
 *
 * <p>A connection borrows its loop thread's buffers ({@link Scratch}) for each step and keeps buffers of its own only
 * once bytes are left over (a partial record read or written, plaintext its handler did not read yet): an idle
 * connection holds no buffer, a busy one allocates nothing per event. On OpenSSL the borrowed record buffers are direct:
 * the socket and BoringSSL then read and write them in place, where heap buffers cost a copy at each (the JDK's engine
 * works on arrays and keeps heap buffers).
 */
final class TlsBuffers {

    private static final int RECORD_HEADER = 5;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final SocketChannel channel;
    private SSLEngine engine;
    private int packetSize;
    private int appSize;
    /** Whether the borrowed record buffers are direct (an OpenSSL engine). */
    private boolean direct;
    /** Records read and not yet decrypted (write mode), once a partial record was left over; else null. */
    private ByteBuffer netIn;
    /** Records not yet written (read mode), once one was left over; else null. */
    private ByteBuffer netOut;
    /** Plaintext not yet read (write mode), once some was left over when another connection needed the scratch. */
    private ByteBuffer appIn;
    /** During one step: {@link #netIn} or the scratch's. */
    private ByteBuffer in;

    TlsBuffers(SocketChannel channel, SSLEngine engine, int packetSize, int appSize) {
        this.channel = channel;
        this.engine = engine;
        this.packetSize = packetSize;
        this.appSize = appSize;
        this.direct = engine != null && OpenSsl.isOpenSsl(engine);
    }

    /**
     * Sets the engine of a connection whose buffers held its first records before the engine existed (a server that
     * picks its context by the name the client asks for); the record buffer keeps at least the size it had. During a
     * read step, {@link #in()} may change.
     */
    void engine(SSLEngine engine, int packetSize, int appSize) {
        this.engine = engine;
        this.direct = engine != null && OpenSsl.isOpenSsl(engine);
        this.packetSize = Math.max(this.packetSize, packetSize);
        this.appSize = appSize;
        if (netIn != null && netIn.capacity() < this.packetSize) {
            boolean stepping = in == netIn;
            ByteBuffer held = netIn.flip();
            netIn = ByteBuffer.allocate(this.packetSize).put(held);
            in = stepping ? netIn : in;
        }
    }

    /** The socket these buffers read and write. */
    SocketChannel channel() {
        return channel;
    }

    /** True if {@code b} (write mode) holds at least one whole record. */
    static boolean wholeRecordBuffered(ByteBuffer b) {
        int n = b == null ? 0 : b.position();
        if (n < RECORD_HEADER) {
            return false;
        }
        int length = ((b.get(3) & 0xff) << 8) | (b.get(4) & 0xff);
        return n >= RECORD_HEADER + length;
    }

    /** True if a whole record read earlier waits to be decrypted. */
    boolean wholeRecordHeld() {
        return wholeRecordBuffered(netIn);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // records read

    /** Starts a read step and returns {@link #in}: this connection's partial record, or the thread's empty scratch. */
    ByteBuffer beginIn() {
        in = netIn != null ? netIn : SCRATCH.get().netIn(packetSize, direct);
        return in;
    }

    /** The records of the read step now running (write mode). */
    ByteBuffer in() {
        return in;
    }

    /** Ends a read step: a partial record left in the scratch moves to a buffer of this connection's own. */
    void endIn() {
        ByteBuffer b = in;
        in = null;
        if (b != null && b != netIn) {
            if (b.position() > 0) {
                netIn = ByteBuffer.allocate(packetSize);
                b.flip();
                netIn.put(b);
            }
            b.clear();
        }
    }

    // ------------------------------------------------------------------------------------------------------------------
    // records to write

    /** True if a record waits to be written. */
    boolean pendingOut() {
        return netOut != null && netOut.hasRemaining();
    }

    /** Where to wrap the next record: this connection's own buffer, or the thread's scratch. */
    private ByteBuffer wrapTarget() {
        return netOut != null ? netOut : SCRATCH.get().netOut(packetSize, direct);
    }

    /** After a write from {@link #wrapTarget()}: what the socket did not take moves to a buffer of this connection. */
    private void keepUnwritten(ByteBuffer out) {
        if (out != netOut) {
            if (out.hasRemaining()) {
                netOut = ByteBuffer.allocate(packetSize);
                netOut.put(out).flip();
            }
            out.clear();
        }
    }

    /** Writes what the socket takes of the pending records; true once none is left. */
    boolean flush() throws IOException {
        if (netOut == null) {
            return true;
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Wraps plaintext (or a handshake or closing message for an empty {@code src}) into one record and writes what the
     * socket takes; a record the socket did not take whole is kept. Call only when no record is pending.
     */
    SSLEngineResult wrapAndWrite(ByteBuffer src) throws IOException {
        ByteBuffer out = wrapTarget();
        out.clear();
        SSLEngineResult r;
        try {
            r = engine.wrap(src, out);
        } finally {
            out.flip();
        }
        try {
            while (out.hasRemaining() && channel.write(out) > 0) {
                // the socket takes more
            }
        } finally {
            keepUnwritten(out);
        }
        return r;
    }

    /** Takes the records not yet written, followed by {@code close_notify} if asked, into a buffer of their own. */
    ByteBuffer takeUnwritten(boolean closeNotify) throws IOException {
        int pending = pendingOut() ? netOut.remaining() : 0;
        ByteBuffer rest = ByteBuffer.allocate(pending + packetSize);
        if (pending > 0) {
            rest.put(netOut);
        }
        if (closeNotify) {
            engine.wrap(ByteBuffer.allocate(0), rest);
        }
        return rest.flip();
    }

    /** Reads from the socket into the records of the read step now running; -1 at end of stream. */
    int readSocket() throws IOException {
        if (!in.hasRemaining()) {
            throw new SSLException("TLS record larger than " + in.capacity() + " bytes");
        }
        return channel.read(in);
    }

    // ------------------------------------------------------------------------------------------------------------------
    // plaintext

    /** Where this connection's undelivered plaintext is: its own buffer, the scratch it holds, or null. */
    private ByteBuffer appHeld() {
        if (appIn != null) {
            return appIn;
        }
        Scratch s = SCRATCH.get();
        return s.appOwner == this ? s.appIn : null;
    }

    /** Bytes of plaintext decrypted and not yet read. */
    int appBuffered() {
        ByteBuffer held = appHeld();
        return held == null ? 0 : held.position();
    }

    /** Where to decrypt into: this connection's own buffer, or the scratch (whose other holder moves out first). */
    ByteBuffer appTarget() {
        if (appIn != null) {
            return appIn;
        }
        Scratch s = SCRATCH.get();
        if (s.appOwner != this) {
            s.evict();
            s.appOwner = this;
        }
        return s.appIn(appSize);
    }

    /** Moves plaintext held into {@code dst}, as much as fits; the number of bytes moved. */
    int drain(ByteBuffer dst) {
        ByteBuffer held = appHeld();
        held.flip();
        int n = Math.min(held.remaining(), dst.remaining());
        int limit = held.limit();
        held.limit(held.position() + n);
        dst.put(held);
        held.limit(limit);
        held.compact();
        if (held != appIn && held.position() == 0) {
            SCRATCH.get().appOwner = null;
        }
        return n;
    }

    /** Lets go of the scratch's plaintext on close. */
    void releaseScratch() {
        Scratch s = SCRATCH.get();
        if (s.appOwner == this) {
            s.appIn.clear();
            s.appOwner = null;
        }
    }

    /**
     * The buffers one loop thread lends its TLS connections for one step. Plaintext decrypted into {@code appIn} stays
     * there, held by its connection, until its handler reads it or another connection needs the buffer; then it moves
     * to a buffer of its holder's own.
     */
    private static final class Scratch {
        private ByteBuffer netIn;
        private ByteBuffer netOut;
        private ByteBuffer directNetIn;
        private ByteBuffer directNetOut;
        private ByteBuffer appIn;
        private TlsBuffers appOwner;

        ByteBuffer netIn(int size, boolean direct) {
            if (direct) {
                directNetIn = fit(directNetIn, size, true);
                return directNetIn;
            }
            netIn = fit(netIn, size, false);
            return netIn;
        }

        ByteBuffer netOut(int size, boolean direct) {
            if (direct) {
                directNetOut = fit(directNetOut, size, true);
                return directNetOut;
            }
            netOut = fit(netOut, size, false);
            return netOut;
        }

        private static ByteBuffer fit(ByteBuffer b, int size, boolean direct) {
            if (b != null && b.capacity() >= size) {
                return b;
            }
            return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        }

        ByteBuffer appIn(int size) {
            if (appIn == null || appIn.capacity() < size) {
                evict();
                appIn = ByteBuffer.allocate(size);
            }
            return appIn;
        }

        void evict() {
            TlsBuffers holder = appOwner;
            if (holder != null && appIn != null && appIn.position() > 0) {
                holder.appIn = ByteBuffer.allocate(holder.appSize);
                appIn.flip();
                holder.appIn.put(appIn);
            }
            if (appIn != null) {
                appIn.clear();
            }
            appOwner = null;
        }
    }
}
