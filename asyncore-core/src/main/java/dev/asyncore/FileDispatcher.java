package dev.asyncore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;

/**
 * A {@link Dispatcher} over a file or a pipe (Python's {@code file_dispatcher}); it is connected from the start. Loop
 * thread, as {@code Dispatcher}.
 *
 * <p>Differs from Python: a {@link FileChannel} cannot be selected in Java, so the loop treats a file as always ready
 * (as select and poll report regular files) and does not block while one wants events. A pipe end
 * ({@link Pipe.SourceChannel}, {@link Pipe.SinkChannel}) is selected like a socket.
 */
public class FileDispatcher extends Dispatcher {

    /**
     * Dispatches a file, in the default map.
     *
     * @param file the wrapped file
     */
    public FileDispatcher(FileWrapper file) {
        this(file, null);
    }

    /**
     * Dispatches a file.
     *
     * @param file the wrapped file
     * @param map the map; null means the default map
     */
    public FileDispatcher(FileWrapper file, DispatcherMap map) {
        super(map);
        setConnected(true);
        setFile(file);
    }

    /**
     * Opens and dispatches a file for reading.
     *
     * @param path the file
     * @param map the map; null means the default map
     * @throws IOException if it cannot be opened
     */
    public FileDispatcher(Path path, DispatcherMap map) throws IOException {
        this(new FileWrapper(path), map);
    }

    /**
     * Dispatches a pipe end (or any selectable channel).
     *
     * @param pipe the channel; it is set non-blocking
     * @param map the map; null means the default map
     * @throws IOException if it cannot be set non-blocking
     */
    public FileDispatcher(SelectableChannel pipe, DispatcherMap map) throws IOException {
        super(map);
        setConnected(true);
        pipe.configureBlocking(false);
        setSocket(pipe);
    }

    /**
     * Makes a file this dispatcher's channel and adds it to the map (Python's {@code set_file}).
     *
     * @param file the wrapped file
     */
    public void setFile(FileWrapper file) {
        setSocket(file);
    }
}
