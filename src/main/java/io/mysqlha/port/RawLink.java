package io.mysqlha.port;

import java.io.IOException;

/** Sends hand-built link-layer frames (a packet socket): used for gratuitous ARP. */
public interface RawLink {

    /** An open sending socket; closing it releases the descriptor. */
    interface Sender extends AutoCloseable {
        /** Sends one complete frame (Ethernet header included) out of the interface. */
        void send(byte[] frame) throws IOException;

        @Override
        void close();
    }

    /**
     * Opens a socket that sends frames of {@code etherType} out of the interface {@code ifindex}.
     *
     * @throws IOException when the socket cannot be opened (no CAP_NET_RAW, no such interface)
     */
    Sender open(int ifindex, int etherType) throws IOException;
}
