package io.mysqlha.rt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab's fence agent (test-harness/lab-fence/fence_mysqlha_lab) as Pacemaker's fencer calls it: its
 * meta-data, its arguments on stdin, and the request/answer protocol with the lab's power-switch daemon,
 * whose side this test plays (the real daemon is exercised by LabFailoverIT, where the cluster fences).
 */
class LabFenceAgentTest {
    static final Path AGENT = Path.of(System.getProperty("mysqlha.basedir", "."), "test-harness/lab-fence/fence_mysqlha_lab");

    record Result(int rc, String out, String err) {}

    static Result run(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", AGENT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the agent answered in time");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void metaDataNamesTheActionsAndParametersTheFencerNeeds() throws Exception {
        Result r = run("action=metadata\n");
        assertEquals(0, r.rc(), r.err());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.UTF_8)));
        assertEquals("fence_mysqlha_lab", doc.getDocumentElement().getAttribute("name"));
        List<String> actions = names(doc.getElementsByTagName("action"));
        assertTrue(actions.containsAll(List.of("on", "off", "reboot", "status", "list", "monitor", "metadata")), actions.toString());
        List<String> params = names(doc.getElementsByTagName("parameter"));
        assertTrue(params.containsAll(List.of("action", "plug", "port", "lab_dir")), params.toString());
    }

    static List<String> names(NodeList l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.getLength(); i++) {
            out.add(((Element) l.item(i)).getAttribute("name"));
        }
        return out;
    }

    @Test
    void aRequestGoesToTheDaemonAndItsAnswerIsTheExitCode(@TempDir Path lab) throws Exception {
        Files.createDirectories(lab.resolve("fence/req"));
        Files.createDirectories(lab.resolve("fence/done"));
        Thread daemon = new Thread(() -> serveOnce(lab, "2\nStatus: OFF\n"));
        daemon.start();
        // as the fencer passes them: key=value lines, the target as "port" (older) or "plug"
        Result r = run("action=status\nport=node2\nlab_dir=" + lab + "\nnodename=node1\npcmk_host_list=node1,node2\n");
        daemon.join(10_000);
        assertEquals(2, r.rc(), "status of a node that is off: 2, as fence agents answer; " + r.err());
        assertTrue(r.out().contains("Status: OFF"), r.out());
        assertEquals("status node2", Files.readString(lab.resolve("fence/served")).strip(), "what the daemon was asked");
        try (Stream<Path> left = Files.list(lab.resolve("fence/done"))) {
            assertEquals(0, left.count(), "the agent removes the answer it read");
        }
    }

    @Test
    void noDaemonMeansAFailedFenceNotAHang(@TempDir Path lab) throws Exception {
        Files.createDirectories(lab.resolve("fence/req"));
        Files.createDirectories(lab.resolve("fence/done"));
        long t0 = System.nanoTime();
        Result r = run("", "-o", "off", "-n", "node3", "--lab-dir=" + lab, "--power-timeout=1");
        assertEquals(1, r.rc());
        assertTrue(r.err().contains("no answer from the lab's fence daemon within 1s (off node3)"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10);
        try (Stream<Path> left = Files.list(lab.resolve("fence/req"))) {
            assertEquals(0, left.count(), "an unanswered request is withdrawn");
        }
    }

    @Test
    void badInputIsRefusedWithAReason(@TempDir Path lab) throws Exception {
        Result noNode = run("action=off\nlab_dir=" + lab + "\n");
        assertEquals(1, noNode.rc());
        assertTrue(noNode.err().contains("off needs a node (plug)"), noNode.err());
        Result unknown = run("action=explode\nplug=node1\n");
        assertEquals(1, unknown.rc());
        assertTrue(unknown.err().contains("unsupported action explode"), unknown.err());
        Result noLab = run("action=off\nplug=node1\nlab_dir=" + lab.resolve("absent") + "\n");
        assertEquals(1, noLab.rc());
        assertTrue(noLab.err().contains("is the lab up?"), noLab.err());
    }

    /** Plays the lab's daemon for one request: records it, answers with the given text. */
    static void serveOnce(Path lab, String answer) {
        Path req = lab.resolve("fence/req");
        long deadline = System.currentTimeMillis() + 10_000;
        try {
            while (System.currentTimeMillis() < deadline) {
                try (Stream<Path> s = Files.list(req)) {
                    Path f = s.filter(x -> x.toString().endsWith(".req")).findFirst().orElse(null);
                    if (f != null) {
                        String id = f.getFileName().toString().replaceAll("\\.req$", "");
                        Files.writeString(lab.resolve("fence/served"), Files.readString(f));
                        Files.delete(f);
                        Path tmp = lab.resolve("fence/done/" + id + ".tmp");
                        Files.writeString(tmp, answer);
                        Files.move(tmp, lab.resolve("fence/done/" + id));
                        return;
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
