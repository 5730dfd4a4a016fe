package kata.pinning.qmp.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kata.pinning.qmp.QmpConnectionClosedException;
import kata.pinning.qmp.QmpException;
import kata.pinning.qmp.QmpGreeting;
import kata.pinning.qmp.QmpProtocolException;
import kata.pinning.qmp.QmpTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Opens a session: connects to the socket, retrying while QEMU has not created it yet, reads the
 * greeting and enables commands with {@code qmp_capabilities}, all on the calling thread.
 */
public final class Connector {

    private static final long MAX_CONNECT_PAUSE_NANOS = Duration.ofMillis(200).toNanos();
    private static final Command CAPABILITIES = Command.of("qmp_capabilities", null);

    /**
     * A session ready for commands, and what QEMU announced.
     *
     * @param session  the session
     * @param greeting the greeting
     */
    public record Opened(Session session, QmpGreeting greeting) {
    }

    private Connector() {
    }

    /**
     * Connects and negotiates; closes everything on failure.
     *
     * @param socket        the socket's path
     * @param timeout       the time allowed for all of it
     * @param maxLineBytes  the largest message accepted
     * @param eventCapacity how many events the session buffers
     * @return the open session
     * @throws QmpTimeoutException          if a step misses the deadline
     * @throws QmpProtocolException         if the peer's first message is not a well-formed greeting
     * @throws QmpConnectionClosedException if the peer closed the connection
     * @throws QmpException                 if the socket refuses us for another reason, QEMU refused
     *                                      {@code qmp_capabilities}, or the thread is interrupted
     */
    public static Opened open(Path socket, Duration timeout, int maxLineBytes, int eventCapacity) throws QmpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = connect(socket, deadline, timeout);
        Session session;
        try {
            session = new Session(channel, socket.toString(), maxLineBytes, eventCapacity);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new QmpException("cannot set up the connection to QMP socket " + socket + ": " + e.getMessage(), e);
        }
        try {
            QmpGreeting greeting = Json.greeting(awaitGreeting(session, deadline, timeout));
            try {
                session.call(CAPABILITIES, ReplyDecoder.TREE, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (QmpTimeoutException e) {
                throw new QmpTimeoutException("no reply to 'qmp_capabilities' from " + socket
                        + " within the connect timeout of " + timeout, timeout);
            }
            return new Opened(session, greeting);
        } catch (QmpException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Connects to a UNIX socket, retrying while the socket file is missing or refuses connections
     * (QEMU may not have created or opened it yet), until the deadline.
     */
    private static SocketChannel connect(Path socket, long deadline, Duration timeout) throws QmpException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        long pause = Duration.ofMillis(10).toNanos();
        while (true) {
            try {
                return SocketChannel.open(address);
            } catch (IOException e) {
                if (!(e instanceof ConnectException) && Files.exists(socket)) {
                    throw new QmpException("cannot connect to QMP socket " + socket + ": " + e.getMessage(), e);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new QmpTimeoutException("cannot connect to QMP socket " + socket + " within " + timeout
                            + ": " + e.getMessage(), timeout, e);
                }
                try {
                    NANOSECONDS.sleep(Math.min(pause, left));
                } catch (InterruptedException interrupt) {
                    Thread.currentThread().interrupt();
                    throw new QmpException("interrupted while connecting to QMP socket " + socket, interrupt);
                }
                pause = Math.min(pause * 2, MAX_CONNECT_PAUSE_NANOS);
            }
        }
    }

    /** Reads until the greeting; events before it are published, anything else is a protocol error. */
    private static JsonNode awaitGreeting(Session session, long deadline, Duration timeout) throws QmpException {
        try {
            while (true) {
                Line line = session.wire().poll(deadline);
                if (line != null) {
                    JsonNode qmp = session.router().routeBeforeGreeting(line);
                    if (qmp != null) {
                        return qmp;
                    }
                } else if (deadline - System.nanoTime() <= 0) {
                    throw new QmpTimeoutException(busyMessage(session.peer(), timeout), timeout);
                }
            }
        } catch (QmpException e) {
            throw e; // a protocol error or the timeout; open() closes the session
        } catch (IOException e) {
            session.shutdown(e);
            throw session.closed(null, "the QMP greeting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for the QMP greeting from " + session.peer(), e);
        }
    }

    /**
     * Explains a connection that was accepted but never greeted: the usual cause is another client
     * on the socket, and the message says what to do instead.
     */
    static String busyMessage(String peer, Duration timeout) {
        return "no QMP greeting from " + peer + " within " + timeout + ": the socket accepted the connection,"
                + " but QEMU serves one client at a time on a QMP socket, so another client (such as the Kata"
                + " runtime, which holds the sandbox's QMP socket for the VM's life) may hold it. Use an extra"
                + " QMP socket (Kata's extra_monitor_socket = \"qmp\", meant for debugging only), or find the"
                + " vCPU threads by thread name: --vmm qemu --pid P without --qmp, with QEMU started with"
                + " -name <name>,debug-threads=on";
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
