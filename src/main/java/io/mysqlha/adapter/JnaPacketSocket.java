package io.mysqlha.adapter;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import io.mysqlha.port.RawLink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Linux packet socket (AF_PACKET, SOCK_RAW) through libc. Constructing one loads JNA's native library,
 * so the wiring creates it only when a frame is about to be sent: monitors without ARP refresh never pay
 * for it.
 */
public final class JnaPacketSocket implements RawLink {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    /** sizeof(struct sockaddr_ll). */
    static final int SOCKADDR_LL_SIZE = 20;

    interface CLib extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
                throws LastErrorException;

        int close(int fd);

        String strerror(int errnum);
    }

    private final CLib libc = Native.load("c", CLib.class);

    @Override
    public Sender open(int ifindex, int etherType) throws IOException {
        int fd;
        try {
            // Protocol 0: the socket receives nothing, so no traffic queues up on a socket that only sends.
            fd = libc.socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_PACKET, SOCK_RAW): " + reason(e), e);
        }
        byte[] to = sockaddrLl(ifindex, etherType, ByteOrder.nativeOrder());
        return new Sender() {
            private boolean closed;

            @Override
            public void send(byte[] frame) throws IOException {
                try {
                    long n = libc.sendto(fd, frame, new NativeLong(frame.length), 0, to, to.length).longValue();
                    if (n != frame.length) {
                        throw new IOException("sendto on ifindex " + ifindex + ": short write " + n + "/" + frame.length);
                    }
                } catch (LastErrorException e) {
                    throw new IOException("sendto on ifindex " + ifindex + ": " + reason(e), e);
                }
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    libc.close(fd);
                }
            }
        };
    }

    private String reason(LastErrorException e) {
        String s = libc.strerror(e.getErrorCode());
        return (s == null ? "errno" : s) + " (errno " + e.getErrorCode() + ")";
    }

    /**
     * struct sockaddr_ll for sending: family and ifindex in host order, protocol in network order, and the
     * broadcast hardware address (ignored by SOCK_RAW, which takes the destination from the frame itself,
     * but filled in as the kernel documents it).
     */
    static byte[] sockaddrLl(int ifindex, int etherType, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_LL_SIZE).order(order);
        b.putShort((short) AF_PACKET);                                   // sll_family
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType).order(order); // sll_protocol
        b.putInt(ifindex);                                               // sll_ifindex
        b.putShort((short) 0);                                           // sll_hatype
        b.put((byte) 0);                                                 // sll_pkttype
        b.put((byte) 6);                                                 // sll_halen
        for (int i = 0; i < 6; i++) {
            b.put((byte) 0xff);                                          // sll_addr[8]
        }
        return b.array();
    }
}
