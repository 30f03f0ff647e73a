package dev.asyncore.chat;

/** test_asynchat's {@code TestAsynchat}: select-style dispatch. */
class AsyncChatSelectTest extends AsyncChatSocketTestBase {

    @Override
    boolean usePoll() {
        return false;
    }
}
