package dev.asyncore;

/** {@link ApiTestBase} over Unix sockets with poll dispatch (Python's {@code TestAPI_Use...Poll}). */
class ApiUnixPollTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.UNIX;
    }

    @Override
    boolean usePoll() {
        return true;
    }
}
