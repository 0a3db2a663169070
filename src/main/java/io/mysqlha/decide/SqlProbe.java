package io.mysqlha.decide;

/** What a connection attempt to the local server told. */
public enum SqlProbe {
    /** Connected and queried. */
    OK,
    /** The server answered with an overload error (too many connections, ...): alive. */
    BUSY,
    /** The server refused our credentials: alive, but the agent cannot see inside. */
    ACCESS_DENIED,
    /** No answer: refused or timed out. */
    DOWN
}
