package io.mysqlha.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mysqlha.agent.LvsAgent;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.VipAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shims answer meta-data from the files the build writes beside the jar (target/metadata/*.xml), which
 * must be exactly what the jar answers; a file older than the jar is never used, and without the files the
 * jar still answers. Pacemaker's controller asks for meta-data before every start as its own unprivileged
 * user, which cannot reach the node service's socket.
 */
class ShimMetaDataIT {
    static final Path TOP = Sandbox.basedir();
    static final Path JAR = TOP.resolve("target/mysqlha.jar");

    /** What the jar answers for each agent's meta-data. */
    static String metaData(String agent) {
        return switch (agent) {
            case "mysql" -> MysqlAgent.metaData();
            case "vip" -> VipAgent.metaData();
            case "lvs" -> LvsAgent.metaData();
            default -> throw new IllegalArgumentException(agent);
        };
    }

    record Out(int rc, String stdout, String stderr) { }

    static Out run(Map<String, String> env, List<String> argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path err = Files.createTempFile("shim-md", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), argv + " hung");
        String e = Files.readString(err);
        Files.delete(err);
        return new Out(p.exitValue(), out, e);
    }

    static void sh(String... argv) throws IOException, InterruptedException {
        Out o = run(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), List.of(argv));
        assertEquals(0, o.rc(), String.join(" ", argv) + ": " + o.stderr());
    }

    @Test
    void theBuildsFilesAreWhatTheJarAnswers() throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "target/mysqlha.jar not built (mvn package)");
        for (String a : List.of("mysql", "vip", "lvs")) {
            Path f = TOP.resolve("target/metadata/" + a + ".xml");
            assertTrue(Files.isRegularFile(f), f + " missing: the package phase writes it (ra/mysqlha-metadata)");
            assertEquals(metaData(a), Files.readString(f), a + ".xml differs from the jar's meta-data");
            assertTrue(Files.getLastModifiedTime(f).compareTo(Files.getLastModifiedTime(JAR)) >= 0,
                    f + " is older than the jar: the shims would not use it");
        }
    }

    @Test
    void theShimAnswersFromTheFileWithAnEmptyEnvironmentAndNeverFromAnOlderOne(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "target/mysqlha.jar not built (mvn package)");
        // an install of our own: a copy of the jar with a marked meta-data file beside it
        Path jar = tmp.resolve("mysqlha.jar");
        Files.copy(JAR, jar);
        Path md = tmp.resolve("metadata/vip.xml");
        Files.createDirectories(md.getParent());
        String marked = metaData("vip").replace("<resource-agent ", "<!-- from the file -->\n<resource-agent ");
        Files.writeString(md, marked);
        Map<String, String> env = Map.of("MYSQLHA_JAR", jar.toString(), "MYSQLHA_SOCKET", tmp.resolve("none.sock").toString());
        List<String> shim = List.of(TOP.resolve("ra/vip").toString(), "meta-data");

        Out fromFile = run(env, shim);
        assertEquals(0, fromFile.rc(), fromFile.stderr());
        assertEquals(marked, fromFile.stdout(), "the shim did not answer from the file");

        // a jar newer than the file (replaced by hand): the jar answers, the file is ignored
        Files.setLastModifiedTime(md, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        Out stale = run(env, shim);
        assertEquals(0, stale.rc(), stale.stderr());
        assertEquals(metaData("vip"), stale.stdout(), "a file older than the jar was used");

        // no file: the jar answers
        Files.delete(md);
        Out none = run(env, shim);
        assertEquals(0, none.rc(), none.stderr());
        assertEquals(metaData("vip"), none.stdout());
    }

    @Test
    void anUnprivilegedUserGetsTheMetaDataOfEveryAgent(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "target/mysqlha.jar not built (mvn package)");
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/runuser")),
                "needs root and runuser (to run the shims as user nobody)");
        // readable by nobody: the checkout may sit under a 0700 home
        Path ra = tmp.resolve("ra");
        Files.createDirectories(ra.resolve("lib"));
        for (String f : List.of("mysql", "vip", "lvs", "lib/launch.sh")) {
            Files.copy(TOP.resolve("ra/" + f), ra.resolve(f));
        }
        Path inst = tmp.resolve("share");
        Files.createDirectories(inst.resolve("metadata"));
        Files.copy(JAR, inst.resolve("mysqlha.jar"));
        for (String a : List.of("mysql", "vip", "lvs")) {
            Files.copy(TOP.resolve("target/metadata/" + a + ".xml"), inst.resolve("metadata/" + a + ".xml"));
        }
        sh("chmod", "-R", "a+rX", tmp.toString());
        for (String a : List.of("mysql", "vip", "lvs")) {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "nobody", "--", "env",
                    "MYSQLHA_JAR=" + inst.resolve("mysqlha.jar"), ra.resolve(a).toString(), "meta-data"));
            Out o = run(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), argv);
            assertEquals(0, o.rc(), a + ": " + o.stderr());
            assertEquals(metaData(a), o.stdout(), a);
        }
    }
}
