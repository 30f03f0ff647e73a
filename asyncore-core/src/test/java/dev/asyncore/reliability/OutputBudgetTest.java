package dev.asyncore.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.asyncore.DispatcherMap;
import dev.asyncore.DispatcherWithSend;
import dev.asyncore.OutputBudget;
import dev.asyncore.ServerStats;
import dev.asyncore.Watermarks;
import dev.asyncore.chat.AsyncChat;
import dev.asyncore.handler.ServerDispatcher;
import dev.asyncore.handler.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server's {@link OutputBudget} bounds the bytes all its connections hold queued: clients that never read are closed as
 * slow consumers, largest first, while a client that reads keeps being served; what a closed connection held is released.
 */
class OutputBudgetTest extends LoopTestSupport {

    private static final int BUDGET = 4 << 20;
    private static final int LINE = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<Socket> clients = new ArrayList<>();
    private Thread drainer;

    @AfterEach
    void closeClients() throws Exception {
        if (drainer != null) {
            drainer.interrupt();
        }
        for (Socket s : clients) {
            s.close();
        }
        if (drainer != null) {
            drainer.join(WAIT.toMillis());
        }
    }

    @Test
    void membersThatNeverReadAreDroppedWhenTheServerPassesItsBudget() throws Exception {
        List<Broadcaster> members = new ArrayList<>();
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new Broadcaster(channel, m, members));
        server.setSocketOptions(new SocketOptions(true, false, 0, 8 * 1024));
        server.stats().setOutputBudget(new OutputBudget(BUDGET));
        server.open(new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.DEFAULT_BACKLOG);
        startLoop("output-budget-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        ServerStats stats = server.stats();

        int idle = 20;
        for (int i = 0; i < idle; i++) {
            clients.add(connect(address, 4 * 1024));
        }
        Socket reader = connect(address, 0);
        AtomicLong read = new AtomicLong();
        drainer = new Thread(() -> drain(reader, read), "output-budget-reader");
        drainer.start();
        Socket sender = connect(address, 0);
        await().atMost(WAIT).until(() -> stats.connections() == idle + 2);

        byte[] line = new byte[LINE + 1];
        Arrays.fill(line, (byte) 'x');
        line[LINE] = '\n';
        long peak = 0;
        for (int i = 0; i < 200 && stats.slowConsumerDrops() < idle; i++) {
            sender.getOutputStream().write(line);
            peak = Math.max(peak, stats.queuedBytes());
            long expected = (i + 1L) * line.length;
            await().atMost(WAIT).until(() -> read.get() >= expected);
        }
        await().atMost(WAIT).until(() -> stats.slowConsumerDrops() >= idle);

        assertThat(stats.slowConsumerDrops())
                .as("the idle members, and no one else")
                .isEqualTo(idle);
        assertThat(peak)
                .as("bytes queued, sampled while sending: the budget and one line at most")
                .isLessThanOrEqualTo(BUDGET + line.length);
        await().atMost(WAIT).until(() -> stats.connections() == 2);
        for (Socket s : clients) {
            assertThat(readToEnd(s))
                    .as("what a dropped member got before its end of stream")
                    .isLessThan(BUDGET);
        }
        long before = read.get();
        sender.getOutputStream().write(line);
        await().atMost(WAIT).until(() -> read.get() >= before + line.length);

        sender.close();
        reader.close();
        await().atMost(WAIT).until(() -> stats.connections() == 0);
        assertThat(stats.queuedBytes()).as("released by the closed connections").isZero();
    }

    @Test
    void dispatcherWithSendChargesItsQueueAndIsDroppedOverTheBudget() throws Exception {
        byte[] chunk = new byte[BUDGET / 4];
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new Flooder(channel, m, chunk));
        server.setSocketOptions(new SocketOptions(true, false, 0, 8 * 1024));
        server.stats().setOutputBudget(new OutputBudget(BUDGET));
        server.open(new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.DEFAULT_BACKLOG);
        startLoop("output-budget-send-loop");
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        Socket client = connect(address, 4 * 1024);
        clients.add(client);
        for (int i = 0; i < 8 && server.stats().slowConsumerDrops() == 0; i++) {
            client.getOutputStream().write('x');
            int sent = i + 1;
            await().atMost(WAIT)
                    .until(() -> server.stats().slowConsumerDrops() > 0
                            || server.stats().bytesReceived() >= sent);
        }

        await().atMost(WAIT).until(() -> server.stats().slowConsumerDrops() == 1);
        await().atMost(WAIT).until(() -> server.stats().connections() == 0);
        assertThat(server.stats().queuedBytes()).isZero();
    }

    @Test
    void aHandlersOwnSlowConsumerDropIsCountedInTheBudget() throws Exception {
        ServerDispatcher server = new ServerDispatcher(map, (channel, peer, m) -> new DispatcherWithSend(channel, m) {
            @Override
            public void handleRead() throws Exception {
                if (recv(1).length > 0) {
                    OutputBudget.closeSlowConsumer(this, "past a limit of the handler's own");
                }
            }
        });
        server.stats().setOutputBudget(new OutputBudget(BUDGET));
        server.open(new InetSocketAddress("127.0.0.1", 0), ServerDispatcher.DEFAULT_BACKLOG);
        startLoop("output-budget-own-drop-loop");
        Socket client = connect((InetSocketAddress) server.localAddress(), 0);
        clients.add(client);
        client.getOutputStream().write('x');

        assertThat(client.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        await().atMost(WAIT).until(() -> server.stats().slowConsumerDrops() == 1);
        assertThat(server.stats().connections()).isZero();
    }

    private static Socket connect(InetSocketAddress address, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(address);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static void drain(Socket s, AtomicLong read) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = s.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read.addAndGet(n);
            }
        } catch (IOException closed) {
            // the test closed it
        }
    }

    /** Reads until the server's close ends the stream (a reset ends it too); a read timeout fails the test. */
    private static long readToEnd(Socket s) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            InputStream in = s.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (SocketException reset) {
            // closed with unread input: also an end
        }
        return total;
    }

    /** A chat member: each line it receives goes to every other member as one shared array. */
    private static final class Broadcaster extends AsyncChat {

        private final List<Broadcaster> members;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

        Broadcaster(SocketChannel channel, DispatcherMap map, List<Broadcaster> members) {
            super(channel, map);
            this.members = members;
            setTerminator(new byte[] {'\n'});
            setMaxFrameLength(2 * LINE);
            setWatermarks(Watermarks.of(4 * BUDGET, 8 * BUDGET));
            members.add(this);
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            frame.writeBytes(data);
        }

        @Override
        protected void foundTerminator() {
            frame.write('\n');
            byte[] shared = frame.toByteArray();
            frame.reset();
            for (Broadcaster member : List.copyOf(members)) {
                if (member != this) {
                    member.push(shared);
                }
            }
        }

        @Override
        public void close() {
            members.remove(this);
            super.close();
        }
    }

    /** Queues a chunk for each byte it receives, through {@link DispatcherWithSend}'s buffer. */
    private static final class Flooder extends DispatcherWithSend {

        private final byte[] chunk;

        Flooder(SocketChannel channel, DispatcherMap map, byte[] chunk) {
            super(channel, map);
            this.chunk = chunk;
        }

        @Override
        public void handleRead() throws Exception {
            if (recv(1).length > 0) {
                send(chunk);
            }
        }
    }
}
