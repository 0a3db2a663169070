package io.mysqlha.port;

import java.util.Optional;

/** Kernel parameters of this host. */
public interface Sysctls {
    /** The value of a sysctl such as {@code net.ipv4.conf.all.arp_ignore}, trimmed; empty when it does not exist. */
    Optional<String> read(String name);
}
