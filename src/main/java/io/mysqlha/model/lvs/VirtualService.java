package io.mysqlha.model.lvs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A virtual service: its identity and its editable configuration.
 *
 * @param id                 what identifies it in the table
 * @param scheduler          scheduler name ({@code wrr}, ...); any name read from a table is kept,
 *                           configuration should pass {@link Schedulers#requireKnown}
 * @param persistence        persistence timeout in seconds; 0 when not persistent
 * @param persistenceMask    granularity of persistence: a dotted IPv4 netmask or an IPv6 prefix
 *                           length; null for "per client address" (255.255.255.255 or 128)
 * @param schedulerFlags     {@code -b} flags, sorted, without duplicates
 * @param onePacket          one-packet scheduling ({@code -o}, UDP)
 * @param persistenceEngine  {@code --pe} engine ({@code sip}), or null
 */
public record VirtualService(ServiceId id, String scheduler, long persistence, String persistenceMask,
                             List<String> schedulerFlags, boolean onePacket, String persistenceEngine) {
    public VirtualService {
        Objects.requireNonNull(id, "id");
        if (scheduler == null || scheduler.isEmpty() || !scheduler.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("bad scheduler name '" + scheduler + "'");
        }
        if (persistence < 0 || persistence > 0xffffffffL) {
            throw new IllegalArgumentException("persistence timeout " + persistence + " is out of range");
        }
        persistenceMask = normaliseMask(id, persistence, persistenceMask);
        schedulerFlags = List.copyOf(new TreeSet<>(schedulerFlags == null ? List.of() : schedulerFlags));
        if (persistenceEngine != null && persistenceEngine.isEmpty()) {
            persistenceEngine = null;
        }
    }

    /** A service with this scheduler, no persistence and no flags. */
    public static VirtualService of(ServiceId id, String scheduler) {
        return new VirtualService(id, scheduler, 0, null, List.of(), false, null);
    }

    /** The same service made persistent ({@code mask} null for per-client persistence). */
    public VirtualService withPersistence(long timeoutSeconds, String mask) {
        return new VirtualService(id, scheduler, timeoutSeconds, mask, schedulerFlags, onePacket, persistenceEngine);
    }

    public VirtualService withScheduler(String newScheduler) {
        return new VirtualService(id, newScheduler, persistence, persistenceMask, schedulerFlags, onePacket, persistenceEngine);
    }

    public VirtualService withSchedulerFlags(List<String> flags) {
        return new VirtualService(id, scheduler, persistence, persistenceMask, flags, onePacket, persistenceEngine);
    }

    public VirtualService withOnePacket(boolean ops) {
        return new VirtualService(id, scheduler, persistence, persistenceMask, schedulerFlags, ops, persistenceEngine);
    }

    public boolean isPersistent() {
        return persistence > 0;
    }

    /**
     * The ipvsadm options that set the whole configuration ({@code -s wrr -p 300 ...}). {@code -E}
     * replaces the configuration with exactly what it is given (an option left out is reset), so
     * edits always carry all of them.
     */
    public List<String> configArgs() {
        List<String> a = new ArrayList<>(List.of("-s", scheduler));
        if (isPersistent()) {
            a.add("-p");
            a.add(Long.toString(persistence));
            if (persistenceMask != null) {
                a.add("-M");
                a.add(persistenceMask);
            }
        }
        if (!schedulerFlags.isEmpty()) {
            a.add("-b");
            a.add(String.join(",", schedulerFlags));
        }
        if (onePacket) {
            a.add("-o");
        }
        if (persistenceEngine != null) {
            a.add("--pe");
            a.add(persistenceEngine);
        }
        return a;
    }

    /** What differs from {@code other}'s configuration, one phrase per setting ({@code scheduler rr -> wrr}); empty when alike. */
    public List<String> differencesFrom(VirtualService other) {
        List<String> d = new ArrayList<>();
        if (!scheduler.equals(other.scheduler)) {
            d.add("scheduler " + other.scheduler + " -> " + scheduler);
        }
        if (persistence != other.persistence) {
            d.add("persistence " + other.persistence + "s -> " + persistence + "s");
        }
        if (!Objects.equals(persistenceMask, other.persistenceMask)) {
            d.add("persistence mask " + other.persistenceMask + " -> " + persistenceMask);
        }
        if (!schedulerFlags.equals(other.schedulerFlags)) {
            d.add("scheduler flags " + other.schedulerFlags + " -> " + schedulerFlags);
        }
        if (onePacket != other.onePacket) {
            d.add("one-packet scheduling " + other.onePacket + " -> " + onePacket);
        }
        if (!Objects.equals(persistenceEngine, other.persistenceEngine)) {
            d.add("persistence engine " + other.persistenceEngine + " -> " + persistenceEngine);
        }
        return d;
    }

    private static String normaliseMask(ServiceId id, long persistence, String mask) {
        if (mask == null) {
            return null;
        }
        if (persistence == 0) {
            throw new IllegalArgumentException("a persistence mask needs a persistent service");
        }
        if (id.ipv6()) {
            int prefix;
            try {
                prefix = Integer.parseInt(mask);
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 1 || prefix > 128) {
                throw new IllegalArgumentException("IPv6 persistence mask '" + mask + "' is not a prefix length 1-128");
            }
            return prefix == 128 ? null : Integer.toString(prefix);
        }
        IpAddress m;
        try {
            m = IpAddress.parse(mask);
        } catch (IllegalArgumentException e) {
            m = null;
        }
        if (m == null || m.isIpv6() || !isContiguous(m.toBytes())) {
            throw new IllegalArgumentException("IPv4 persistence mask '" + mask + "' is not a netmask like 255.255.255.0");
        }
        return "255.255.255.255".equals(m.toString()) ? null : m.toString();
    }

    private static boolean isContiguous(byte[] b) {
        long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        long inverted = ~v & 0xffffffffL;
        return (inverted & (inverted + 1)) == 0;
    }
}
