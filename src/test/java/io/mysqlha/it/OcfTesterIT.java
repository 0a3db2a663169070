package io.mysqlha.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** resource-agents' ocf-tester on ra/mysql, against a real mariadbd. */
class OcfTesterIT {
    static Sandbox sb;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Sandbox.available(), "mariadb-server is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ocf-tester")), "ocf-tester (resource-agents) is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        sb = new Sandbox("ocf-tester", "t1");
    }

    @AfterAll
    static void down() {
        if (sb != null) {
            sb.close();
        }
    }

    @Test
    void ocfTesterPasses() throws Exception {
        Map<String, String> env = sb.env("t1");
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/ocf-tester", "-v", "-n", "db"));
        for (Map.Entry<String, String> e : env.entrySet()) {
            // ocf-tester sets the CRM meta timeout and interval itself
            if (e.getKey().startsWith("OCF_RESKEY_") && !e.getKey().equals("OCF_RESKEY_CRM_meta_timeout")
                    && !e.getKey().equals("OCF_RESKEY_CRM_meta_interval")) {
                argv.add("-o");
                argv.add(e.getKey().substring("OCF_RESKEY_".length()) + "=" + e.getValue());
            }
        }
        argv.add(Sandbox.basedir().resolve("ra/mysql").toString());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("MYSQLHA_STANDALONE_DIR", env.get("MYSQLHA_STANDALONE_DIR"));
        pb.environment().put("MYSQLHA_NODE", "t1");
        pb.environment().put("HA_LOGFILE", env.get("HA_LOGFILE"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertFalse(!p.waitFor(300, TimeUnit.SECONDS), "ocf-tester hung");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
    }
}
