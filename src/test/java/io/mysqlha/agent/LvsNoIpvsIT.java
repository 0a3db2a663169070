package io.mysqlha.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent (ra/lvs and the jar) on a host whose kernel has no IPVS, as on this project's build
 * machines and in the lab: every action that needs IPVS answers ERR_INSTALLED with the reason, while
 * the probe says "not running" and stop succeeds, so that Pacemaker places the pool elsewhere (or
 * leaves it stopped) and fences nobody. Real IPVS is tested in the VM (LvsVmIT).
 */
class LvsNoIpvsIT {
    static Path base;
    static String ipvsUnavailable;

    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {
        String exitReason() {
            return err.lines().filter(l -> l.startsWith("ocf-exit-reason:")).findFirst().orElse("");
        }
    }

    @BeforeAll
    static void hostWithoutIpvs() throws Exception {
        base = Path.of(System.getProperty("mysqlha.basedir", ".")).toAbsolutePath().normalize();
        assumeTrue(Files.isReadable(base.resolve("target/mysqlha.jar")), "target/mysqlha.jar missing (mvn package)");
        Path ipvsadm = Path.of("/usr/sbin/ipvsadm");
        assumeTrue(Files.isExecutable(ipvsadm), "ipvsadm is not installed here (apt-get install ipvsadm)");
        Process p = new ProcessBuilder(ipvsadm.toString(), "-L", "-n").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        assumeTrue(p.exitValue() != 0, "this kernel has IPVS: the no-IPVS answers cannot be checked here");
        ipvsUnavailable = out;
        // said in the test output: this host's kernel has no IPVS, so these tests check the agent's answer to that
        System.out.println("LvsNoIpvsIT: this kernel has no IPVS (ipvsadm -L -n: " + out.strip()
                + "); the real IPVS table is tested in a VM by LvsVmIT");
    }

    Run run(String action, String... kv) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("OCF_ROOT", "/usr/lib/ocf");
        env.put("OCF_RESOURCE_INSTANCE", "read-pool");
        env.put("OCF_RESKEY_virtual_service", "10.250.0.100:3306");
        env.put("OCF_RESKEY_node_addresses", "node1=10.250.0.11 node2=10.250.0.12 node3=10.250.0.13");
        env.put("OCF_RESKEY_state_dir", tmp.resolve("state").toString());
        env.put("OCF_RESKEY_CRM_meta_timeout", "20000");
        env.put("OCF_RESKEY_CRM_meta_interval", "5000");
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        String record = System.getenv("MYSQLHA_RECORD_CDS");
        if (record != null && !record.isEmpty()) {
            // test-harness/record-cds-classes: each agent run lists the classes it loaded
            env.put("MYSQLHA_JAVA_OPTS", "-XX:DumpLoadedClassList=" + record + "/lvs-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime() + ".lst");
        }
        ProcessBuilder pb = new ProcessBuilder(base.resolve("ra/lvs").toString(), action);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), action + " hung");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void actionsNeedingIpvsAnswerErrInstalledWithTheReason() throws Exception {
        for (String action : new String[] {"validate-all", "start", "monitor"}) {
            Run r = run(action);
            assertEquals(5, r.rc(), action + ": " + r.err());
            assertEquals("ocf-exit-reason:IPVS is not available in this node's kernel (ipvsadm -L -n -t "
                    + "10.250.0.100:3306: Can't initialize ipvs: Protocol not available); load the ip_vs module, or "
                    + "run the resource only on nodes whose kernel has IPVS", r.exitReason(), action);
        }
    }

    @Test
    void probeSaysNotRunningAndStopSucceeds() throws Exception {
        Run probe = run("monitor", "OCF_RESKEY_CRM_meta_interval", "0");
        assertEquals(7, probe.rc(), probe.err());
        assertEquals("", probe.exitReason());
        for (int i = 0; i < 2; i++) {
            Run stop = run("stop");
            assertEquals(0, stop.rc(), stop.err());
            assertTrue(stop.err().contains("nothing can be running here"), stop.err());
        }
    }

    @Test
    void missingIpvsadmIsErrInstalled() throws Exception {
        Run r = run("validate-all", "OCF_RESKEY_ipvsadm", "/nonexistent/ipvsadm");
        assertEquals(5, r.rc(), r.err());
        assertEquals("ocf-exit-reason:ipvsadm not found: install the ipvsadm package (parameter 'ipvsadm' is "
                + "'/nonexistent/ipvsadm')", r.exitReason());
        assertEquals(7, run("monitor", "OCF_RESKEY_ipvsadm", "/nonexistent/ipvsadm",
                "OCF_RESKEY_CRM_meta_interval", "0").rc());
        assertEquals(0, run("stop", "OCF_RESKEY_ipvsadm", "/nonexistent/ipvsadm").rc());
    }

    @Test
    void badParametersAreErrConfiguredNamingTheParameter() throws Exception {
        Run r = run("validate-all", "OCF_RESKEY_virtual_service", "10.250.0.100");
        assertEquals(6, r.rc(), r.err());
        assertEquals("ocf-exit-reason:virtual_service: '10.250.0.100' is not address:port ('10.250.0.100': missing "
                + "':port') (parameter 'virtual_service')", r.exitReason());
        Run missing = run("start", "OCF_RESKEY_virtual_service", "");
        assertEquals(6, missing.rc());
        assertEquals("ocf-exit-reason:required parameter 'virtual_service' is not set", missing.exitReason());
        assertEquals(0, run("stop", "OCF_RESKEY_virtual_service", "").rc(), "stop never fails on configuration");
    }

    @Test
    void metaDataAnswersWithNoEnvironmentAtAll() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(base.resolve("ra/lvs").toString(), "meta-data");
        pb.environment().clear();
        Process p = pb.start();
        String xml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(xml.startsWith("<?xml") && xml.contains("<resource-agent name=\"lvs\"")
                && xml.contains("<parameter name=\"virtual_service\" unique=\"1\" required=\"1\">"), xml);
        assertEquals(3, run("promote").rc());
    }
}
