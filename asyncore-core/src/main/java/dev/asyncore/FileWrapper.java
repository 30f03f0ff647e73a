package dev.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file channel with the socket methods a {@link Dispatcher} uses (Python's {@code file_wrapper}). Loop thread.
 *
 * <p>Differs from Python: Java cannot duplicate a descriptor, so a {@code FileWrapper} owns the channel it is given (or
 * opens its own from a path) and closes it; {@link #fileno()} is a synthetic number, -1 after {@link #close()}.
 */
public final class FileWrapper implements ByteChannel {

    private static final AtomicInteger FILENOS = new AtomicInteger(1 << 20);

    private final FileChannel channel;
    private int fd;

    /**
     * Wraps and takes ownership of an open file channel.
     *
     * @param channel the channel
     */
    public FileWrapper(FileChannel channel) {
        this.channel = channel;
        this.fd = FILENOS.getAndIncrement();
    }

    /**
     * Opens a file.
     *
     * @param path the file
     * @param options how to open it (default: read)
     * @throws IOException if it cannot be opened
     */
    public FileWrapper(Path path, OpenOption... options) throws IOException {
        this(FileChannel.open(path, options));
    }

    /**
     * Reads up to {@code n} bytes.
     *
     * @param n the most bytes to read
     * @return the bytes; empty at end of file
     * @throws IOException if reading fails, or after {@link #close()}
     */
    public byte[] recv(int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        int read = read(buffer);
        return read <= 0 ? new byte[0] : Arrays.copyOf(buffer.array(), read);
    }

    /**
     * Same as {@link #recv(int)}.
     *
     * @param n the most bytes to read
     * @return the bytes; empty at end of file
     * @throws IOException if reading fails
     */
    public byte[] read(int n) throws IOException {
        return recv(n);
    }

    /**
     * Writes the bytes.
     *
     * @param data the bytes
     * @return the number written
     * @throws IOException if writing fails
     */
    public int send(byte[] data) throws IOException {
        return write(ByteBuffer.wrap(data));
    }

    /**
     * Same as {@link #send(byte[])}.
     *
     * @param data the bytes
     * @return the number written
     * @throws IOException if writing fails
     */
    public int write(byte[] data) throws IOException {
        return send(data);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        return channel.write(src);
    }

    @Override
    public boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Closes the file; idempotent: {@link #fileno()} is -1 first, as in Python.
     *
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        if (fd < 0) {
            return;
        }
        fd = -1;
        channel.close();
    }

    /**
     * The synthetic file number.
     *
     * @return the number, or -1 after {@link #close()}
     */
    public int fileno() {
        return fd;
    }

    private void ensureOpen() throws IOException {
        if (fd < 0) {
            throw new ClosedChannelException();
        }
    }
}
