package io.mysqlha.rt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One round's settings, validated once by the CLI. */
public record RunConfig(
        List<Fault> faults,
        boolean random,
        long seed,
        int iterations,
        Duration duration,
        Duration hold,
        Duration convergeBound,
        Duration failoverBound,
        int writers,
        int readers,
        long opIntervalMs,
        long sampleIntervalMs,
        Path runsDir,
        int keepRuns,
        String dbResource,
        String agentResource,
        String writerVipResource,
        String readerVipResource,
        String datadir,
        boolean rebuild,
        long readerVipGraceMs,
        boolean operator) {

    /** Without the operator choice: the harness plays no operator (only where the agent refused a node). */
    public RunConfig(List<Fault> faults, boolean random, long seed, int iterations, Duration duration, Duration hold,
            Duration convergeBound, Duration failoverBound, int writers, int readers, long opIntervalMs,
            long sampleIntervalMs, Path runsDir, int keepRuns, String dbResource, String agentResource,
            String writerVipResource, String readerVipResource, String datadir, boolean rebuild, long readerVipGraceMs) {
        this(faults, random, seed, iterations, duration, hold, convergeBound, failoverBound, writers, readers,
                opIntervalMs, sampleIntervalMs, runsDir, keepRuns, dbResource, agentResource, writerVipResource,
                readerVipResource, datadir, rebuild, readerVipGraceMs, false);
    }

    /** The fault of iteration i (0-based) among the faults that apply: the list in turn, or a seeded random pick. */
    public static Fault faultFor(List<Fault> among, boolean random, int i, java.util.Random rng) {
        return random ? among.get(rng.nextInt(among.size())) : among.get(i % among.size());
    }

    public Duration holdFor(Fault f) {
        return hold != null ? hold : Duration.ofSeconds(f.defaultHoldS);
    }
}
