package dev.asyncore.sample.kv;

import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.DispatcherMap;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.chat.FrameTooLongException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.dao.DataAccessException;

/**
 * One connection to the {@code kv} server: splits what it receives into lines ({@code \n}, a trailing {@code \r} ignored),
 * parses each into a {@link KvCommand} on the loop, and answers it through {@link #pushBlocking}: the repository call runs
 * on the offload executor, never on the loop, and the replies go out in the order the lines came in, however long each call
 * takes, so a client may pipeline. A line that does not parse takes the same ordered path with a call that returns its
 * {@code ERR} at once (no database call): replying to it with a plain {@code push} would overtake the replies still being
 * computed for the lines before it.
 *
 * <p>Replies come back in order whatever the offload's limits; the calls themselves run in request order only with one
 * call at a time per connection, which a key-value store needs (a pipelined {@code GET} must see the {@code SET} before
 * it): the sample sets {@code asyncore.servers.kv.offload.max-in-flight-per-connection: 1}, and the loop stops reading
 * from the connection while its call runs.
 *
 * <p>A line longer than {@value #MAX_LINE_LENGTH} bytes is answered {@code ERR line too long} and the connection is closed
 * once that reply is sent (the rest of the line cannot be told from the next request). A database failure answers
 * {@code ERR storage unavailable} and the connection stays open; it is logged at most once per ten seconds.
 *
 * <p>Loop thread, except {@link #reply}, which runs on the offload executor.
 */
public class KvHandler extends AsyncChat {

    /** The longest request line in bytes: a {@code SET} of the longest key and value, four UTF-8 bytes a character. */
    public static final int MAX_LINE_LENGTH =
            "SET ".length() + 4 * KvCommand.MAX_KEY_LENGTH + 1 + 4 * KvCommand.MAX_VALUE_LENGTH + 1;

    private static final Log logger = LogFactory.getLog(KvHandler.class);

    private static final byte[] NEWLINE = {'\n'};

    private static final long FAILURE_LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    private static final AtomicLong lastFailureLogged = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL);

    private final KvRepository repository;

    private boolean discarding;

    /**
     * Wraps an accepted channel and registers it in {@code map}. Loop thread.
     *
     * @param channel the accepted channel
     * @param map the server's map
     * @param repository where the keys live
     */
    public KvHandler(SocketChannel channel, DispatcherMap map, KvRepository repository) {
        super(channel, map);
        this.repository = repository;
        setTerminator(NEWLINE);
        setMaxFrameLength(MAX_LINE_LENGTH);
    }

    /** Keeps the bytes of the line in progress; drops them once a line was too long. Loop thread. */
    @Override
    protected void collectIncomingData(byte[] data) {
        if (!this.discarding) {
            collectIncomingDataDefault(data);
        }
    }

    /** Parses the line just completed and queues its reply on the ordered, offloaded path. Loop thread. */
    @Override
    protected void foundTerminator() {
        assert loop() == null || loop().inEventLoop() : "foundTerminator off the loop of " + this;
        if (this.discarding) {
            return;
        }
        KvCommand command = KvCommand.parse(new String(getData(), StandardCharsets.UTF_8));
        pushBlocking(() -> reply(command));
    }

    /**
     * Answers one command, calling the repository. Runs on the offload executor, never on the loop.
     *
     * @param command the parsed request
     * @return the reply line, with its {@code \n}
     */
    protected byte[] reply(KvCommand command) {
        String reply;
        try {
            reply = answer(command);
        } catch (DataAccessException ex) {
            logFailure(ex);
            reply = "ERR storage unavailable";
        }
        return (reply + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private String answer(KvCommand command) {
        if (command instanceof KvCommand.Set set) {
            this.repository.put(set.key(), set.value());
            return "OK";
        }
        if (command instanceof KvCommand.Get get) {
            return this.repository.get(get.key()).map((v) -> "VALUE " + v).orElse("NOT_FOUND");
        }
        if (command instanceof KvCommand.Del del) {
            return this.repository.delete(del.key()) ? "OK" : "NOT_FOUND";
        }
        return "ERR " + ((KvCommand.Invalid) command).reason();
    }

    /**
     * A line past {@value #MAX_LINE_LENGTH} bytes: answer {@code ERR line too long} after the replies already owed, then
     * close. Anything else: the default (log and close). Loop thread.
     *
     * @param error what went wrong
     */
    @Override
    public void handleError(Throwable error) {
        if (error instanceof FrameTooLongException) {
            if (this.discarding) {
                return; // the rest of the same line, still too long: answered once already, closing
            }
            this.discarding = true;
            getData();
            byte[] tooLong =
                    ("ERR line too long (at most " + MAX_LINE_LENGTH + " bytes)\n").getBytes(StandardCharsets.US_ASCII);
            // delivered after the replies still owed, like every reply; then close once it is sent
            executeBlocking(() -> tooLong, this::pushAndClose, (failure) -> close());
            return;
        }
        super.handleError(error);
    }

    private void pushAndClose(byte[] reply) {
        push(reply);
        closeWhenDone();
    }

    private static void logFailure(DataAccessException ex) {
        long last = lastFailureLogged.get();
        long now = System.nanoTime();
        if (now - last >= FAILURE_LOG_INTERVAL && lastFailureLogged.compareAndSet(last, now)) {
            logger.warn("kv: the database call failed (logged at most once per 10 s): " + ex.getMessage());
        }
    }
}
