package dev.asyncore.chat;

/**
 * A source of outgoing bytes that {@link AsyncChat#pushWithProducer(Producer)} drains on demand, as asynchat's producer protocol.
 *
 * <p>Called on the loop thread only, from {@link AsyncChat#initiateSend()}.
 */
@FunctionalInterface
public interface Producer {

    /**
     * Returns the next bytes to send; an empty array (or {@code null}) means the producer is exhausted and is dropped from the queue.
     * The channel keeps the returned array until it is sent, so the producer must not modify it afterwards.
     *
     * @return the next chunk, empty when exhausted
     * @throws Exception any failure, which goes to the channel's {@code handleError}
     */
    byte[] more() throws Exception;
}
