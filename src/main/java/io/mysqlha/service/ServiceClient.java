package io.mysqlha.service;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The Java side of the node service's protocol: {@code mysqlha service status}, and the tests. */
public final class ServiceClient {
    private ServiceClient() {}

    /** What a request ended with. {@code accepted} false: the service never took it (nothing ran). */
    public record Answer(boolean accepted, int exit, String out, String err) {
    }

    /** True when a service accepts connections on {@code socket}. */
    public static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends one request and collects the answer. Standard output and error are also copied to
     * {@code out} and {@code err} as they arrive, when given.
     *
     * @throws IOException when no service listens (the caller may run the request itself)
     */
    public static Answer call(Path socket, Protocol.Request r, OutputStream out, OutputStream err) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(Protocol.encode(r)));
            ch.shutdownOutput();
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            boolean accepted = false;
            for (;;) {
                int type;
                byte[] payload;
                try {
                    type = in.readUnsignedByte();
                    payload = new byte[in.readInt()];
                    in.readFully(payload);
                } catch (EOFException eof) {
                    String msg = accepted ? "ocf-exit-reason:the node service ended during the action (not run again: "
                            + "see its log)\n" : "";
                    e.write(msg.getBytes(StandardCharsets.UTF_8));
                    return new Answer(accepted, accepted ? 1 : Protocol.NOT_ACCEPTED, o.toString(StandardCharsets.UTF_8),
                            e.toString(StandardCharsets.UTF_8));
                }
                switch (type) {
                    case 'A' -> accepted = true;
                    case 'O' -> copy(payload, o, out);
                    case 'E' -> copy(payload, e, err);
                    case 'X' -> {
                        return new Answer(accepted, Integer.parseInt(new String(payload, StandardCharsets.UTF_8).trim()),
                                o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
                    }
                    default -> { }
                }
            }
        }
    }

    private static void copy(byte[] b, ByteArrayOutputStream keep, OutputStream live) throws IOException {
        keep.write(b);
        if (live != null) {
            live.write(b);
            live.flush();
        }
    }
}
