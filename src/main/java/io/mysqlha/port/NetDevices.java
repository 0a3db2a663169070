package io.mysqlha.port;

import java.util.Optional;

/** The node's network interfaces, as the kernel describes them (sysfs). */
public interface NetDevices {

    /**
     * One interface.
     *
     * @param name    interface name
     * @param ifindex kernel interface index (what a packet socket addresses)
     * @param mac     hardware address as the kernel prints it (aa:bb:cc:dd:ee:ff), empty when it has none
     * @param arpType ARPHRD_* link type: 1 is Ethernet (veth, bridges, bonds, VLANs included)
     * @param up      administratively up (IFF_UP)
     * @param carrier operational state is up (or unknown, as for some virtual devices)
     */
    record NetDevice(String name, int ifindex, String mac, int arpType, boolean up, boolean carrier) {
        public static final int ARPHRD_ETHER = 1;

        public boolean ethernet() {
            return arpType == ARPHRD_ETHER;
        }
    }

    /** The interface of that name, or empty when this node has none. */
    Optional<NetDevice> device(String name);
}
