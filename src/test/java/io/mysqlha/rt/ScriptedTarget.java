package io.mysqlha.rt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A target with no cluster behind it, for the harness's unit tests: the nodes given, the documentation
 * addresses for the VIPs, every verb supported; a test scripts the answers of exec (and of fault, which
 * refuses by default).
 */
abstract class ScriptedTarget implements Target {
    private final List<String> nodes;
    private final Optional<String> readerVip;

    ScriptedTarget(List<String> nodes, boolean readerVip) {
        this.nodes = List.copyOf(nodes);
        this.readerVip = readerVip ? Optional.of("192.0.2.51") : Optional.empty();
    }

    @Override public String name() { return "scripted"; }
    @Override public List<String> haNodes() { return nodes; }
    @Override public List<String> allNodes() { return nodes; }
    @Override public String writerVip() { return "192.0.2.50"; }
    @Override public Optional<String> readerVip() { return readerVip; }
    @Override public AppAccount app() { return new AppAccount("app", "p", "lab"); }
    @Override public void preflight() { }
    @Override public Process spawn(String node, String... argv) { throw new UnsupportedOperationException(); }
    @Override public Optional<List<String>> addresses(String node) { return Optional.empty(); }
    @Override public boolean supports(Verb verb) { return true; }
    @Override public List<String> wrap(String node, List<String> argv) { return argv; }
    @Override public void collectLogs(String node, Path dir) { }

    @Override
    public Exec.Result fault(Verb verb, List<String> nodes, Duration timeout) {
        throw new UnsupportedOperationException("no fault verb is scripted here: " + verb.word);
    }
}
