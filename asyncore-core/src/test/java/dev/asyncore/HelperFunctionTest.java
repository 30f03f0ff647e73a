package dev.asyncore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Python's test_asyncore {@code HelperFunctionTests}: the dispatch wrappers, {@code closeAll} and the traceback. */
class HelperFunctionTest {

    private final DispatcherMap map = new DispatcherMap();

    @AfterEach
    void closeMap() {
        Asyncore.closeAll(map, true);
        map.close();
    }

    /** Every event raises {@link ExitNow} (Python's {@code exitingdummy}). */
    static final class ExitingDummy extends Dispatcher {
        ExitingDummy(DispatcherMap map) {
            super(map);
        }

        @Override
        public void handleReadEvent() {
            throw new ExitNow();
        }

        @Override
        public void handleWriteEvent() {
            throw new ExitNow();
        }

        @Override
        public void handleExptEvent() {
            throw new ExitNow();
        }

        @Override
        public void handleClose() {
            throw new ExitNow();
        }
    }

    /** Every event raises; {@code handleError} records it (Python's {@code crashingdummy}). */
    static final class CrashingDummy extends Dispatcher {
        boolean errorHandled;

        CrashingDummy(DispatcherMap map) {
            super(map);
        }

        @Override
        public void handleReadEvent() throws Exception {
            throw new Exception();
        }

        @Override
        public void handleWriteEvent() throws Exception {
            throw new Exception();
        }

        @Override
        public void handleExptEvent() throws Exception {
            throw new Exception();
        }

        @Override
        public void handleClose() {
            throw new IllegalStateException();
        }

        @Override
        public void handleError(Throwable t) {
            errorHandled = true;
        }
    }

    /** Records which event entry point ran (Python's {@code testobj}). */
    static final class Recorder extends Dispatcher {
        final Map<String, Boolean> seen = new java.util.LinkedHashMap<>(
                Map.of("read", false, "expt", false, "write", false, "closed", false, "error_handled", false));

        Recorder(DispatcherMap map) {
            super(map);
        }

        @Override
        public void handleReadEvent() {
            seen.put("read", true);
        }

        @Override
        public void handleWriteEvent() {
            seen.put("write", true);
        }

        @Override
        public void handleExptEvent() {
            seen.put("expt", true);
        }

        @Override
        public void handleClose() {
            seen.put("closed", true);
        }

        @Override
        public void handleError(Throwable t) {
            seen.put("error_handled", true);
        }
    }

    /** Only records that it was closed (Python's {@code dummychannel}). */
    static final class DummyChannel extends Dispatcher {
        boolean closed;

        DummyChannel(DispatcherMap map) {
            super(map);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void readwriteexc() {
        ExitingDummy tr1 = new ExitingDummy(map);
        assertThatThrownBy(() -> Asyncore.read(tr1)).isInstanceOf(ExitNow.class);
        assertThatThrownBy(() -> Asyncore.write(tr1)).isInstanceOf(ExitNow.class);
        assertThatThrownBy(() -> Asyncore.exception(tr1)).isInstanceOf(ExitNow.class);

        CrashingDummy tr2 = new CrashingDummy(map);
        Asyncore.read(tr2);
        assertThat(tr2.errorHandled).isTrue();

        tr2 = new CrashingDummy(map);
        Asyncore.write(tr2);
        assertThat(tr2.errorHandled).isTrue();

        tr2 = new CrashingDummy(map);
        Asyncore.exception(tr2);
        assertThat(tr2.errorHandled).isTrue();
    }

    @Test
    void readwrite() {
        Object[][] expected = {
            {Asyncore.POLLIN, "read"},
            {Asyncore.POLLPRI, "expt"},
            {Asyncore.POLLOUT, "write"},
            {Asyncore.POLLERR, "closed"},
            {Asyncore.POLLHUP, "closed"},
            {Asyncore.POLLNVAL, "closed"},
        };
        for (Object[] row : expected) {
            int flag = (Integer) row[0];
            String attr = (String) row[1];
            Recorder tobj = new Recorder(map);
            assertThat(tobj.seen.get(attr)).isFalse();
            Asyncore.readwrite(tobj, flag);
            for (Map.Entry<String, Boolean> e : tobj.seen.entrySet()) {
                assertThat(e.getValue())
                        .as("flag %s, attribute %s", flag, e.getKey())
                        .isEqualTo(e.getKey().equals(attr));
            }

            ExitingDummy tr1 = new ExitingDummy(map);
            assertThatThrownBy(() -> Asyncore.readwrite(tr1, flag)).isInstanceOf(ExitNow.class);

            CrashingDummy tr2 = new CrashingDummy(map);
            assertThat(tr2.errorHandled).isFalse();
            Asyncore.readwrite(tr2, flag);
            assertThat(tr2.errorHandled).as("flag %s", flag).isTrue();
        }
    }

    @Test
    void closeall() {
        closeallCheck(false);
    }

    @Test
    void closeallDefault() {
        closeallCheck(true);
    }

    private void closeallCheck(boolean useDefault) {
        DispatcherMap testmap = useDefault ? Asyncore.defaultMap() : map;
        assertThat(testmap.isEmpty()).isTrue();
        List<DummyChannel> channels = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            DummyChannel c = new DummyChannel(testmap);
            channels.add(c);
            assertThat(c.closed).isFalse();
            testmap.put(i, c);
        }
        if (useDefault) {
            Asyncore.closeAll();
        } else {
            Asyncore.closeAll(testmap, false);
        }
        assertThat(testmap.size()).isZero();
        assertThat(testmap.isEmpty()).isTrue();
        for (DummyChannel c : channels) {
            assertThat(c.closed).isTrue();
        }
    }

    @Test
    void compactTraceback() {
        Exception real;
        int line = -1;
        try {
            line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            throw new Exception("I don't like spam!");
        } catch (Exception e) {
            real = e;
        }
        CompactTraceback r = Asyncore.compactTraceback(real);
        assertThat(r.file()).isEqualTo("HelperFunctionTest.java");
        assertThat(r.function()).isEqualTo("compactTraceback");
        assertThat(r.line()).isEqualTo(String.valueOf(line));
        assertThat(r.type()).isEqualTo(Exception.class);
        assertThat(r.value()).isSameAs(real);
        // Java stacks include the test runner's frames: the outermost-first info ends with this frame
        assertThat(r.info()).endsWith("[" + r.file() + "|" + r.function() + "|" + r.line() + "]");
        assertThat(r.info()).startsWith("[");
    }

    @Test
    void compactTracebackWithoutStackFails() {
        Exception e = new Exception("no stack");
        e.setStackTrace(new StackTraceElement[0]);
        assertThatThrownBy(() -> Asyncore.compactTraceback(e))
                .isInstanceOf(AssertionError.class)
                .hasMessage("traceback does not exist");
    }
}
