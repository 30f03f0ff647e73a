package dev.asyncore;

/** {@link ApiTestBase} over Unix sockets with select dispatch (Python's {@code TestAPI_Use...Select}). */
class ApiUnixSelectTest extends ApiTestBase {

    @Override
    Family family() {
        return Family.UNIX;
    }

    @Override
    boolean usePoll() {
        return false;
    }
}
