package dev.asyncore.chat;

/** test_asynchat's {@code TestAsynchat_WithPoll}: poll-style dispatch. */
class AsyncChatPollTest extends AsyncChatSocketTestBase {

    @Override
    boolean usePoll() {
        return true;
    }
}
