package dev.asyncore.docs.handlers;

import java.nio.channels.SocketChannel;
import java.util.Optional;

import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Answers each line (a key) with the value a blocking repository finds for it, the call made off the loop. Every event
 * runs on the loop thread.
 */
public class LookupHandler extends AsyncChat {

    /** A blocking store, such as a JDBC repository. Called on the offload's executor. */
    public interface Repository {

        /**
         * Finds the value of a key. Offload executor thread.
         *
         * @param key the key
         * @return the value, if any
         * @throws Exception when the store fails
         */
        Optional<String> find(String key) throws Exception;
    }

    private static final byte[] ERROR_LINE = "ERR storage unavailable\n".getBytes(US_ASCII);

    private final Repository repository;

    private final boolean pushOnly;

    /**
     * Serves one connection. Loop thread.
     *
     * @param channel the accepted channel
     * @param map the loop's map
     * @param repository the blocking store
     * @param pushOnly whether to answer with {@code pushBlocking} instead of {@code executeBlocking}
     */
    public LookupHandler(SocketChannel channel, DispatcherMap map, Repository repository, boolean pushOnly) {
        super(channel, map);
        this.repository = repository;
        this.pushOnly = pushOnly;
        setTerminator(new byte[] {'\n'});
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        collectIncomingDataDefault(data);
    }

    @Override
    protected void foundTerminator() {
        if (pushOnly) {
            answerWithPushBlocking();
            return;
        }
        // tag::execute-blocking[]
        String key = new String(getData(), US_ASCII); // AsyncChat, loop thread
        executeBlocking(
                () -> repository.find(key), // runs on the offload's executor
                row -> push(render(row)), // back on this loop thread, in request order
                failure -> push(ERROR_LINE)); // optional: the default is handleError, which closes
        // end::execute-blocking[]
    }

    private void answerWithPushBlocking() {
        String key = new String(getData(), US_ASCII);
        // tag::push-blocking[]
        // or, when the reply is all the result is for:
        pushBlocking(() -> render(repository.find(key)));
        // end::push-blocking[]
    }

    private static byte[] render(Optional<String> row) {
        return (row.map(value -> "VALUE " + value).orElse("NOT_FOUND") + "\n").getBytes(US_ASCII);
    }
}
