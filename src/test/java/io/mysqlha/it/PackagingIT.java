package io.mysqlha.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The .deb and .rpm: built from the checkout, holding the agents where Pacemaker looks for them. */
class PackagingIT {
    static final Path TOP = Sandbox.basedir();

    @Test
    void debInstallsTheAgentsWherePacemakerLooksAndTheyRun(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb not installed");
        Sandbox.Run build = Sandbox.run(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                TOP.resolve("packaging/build-deb").toString());
        assertEquals(0, build.rc(), build.toString());
        Path deb;
        try (var s = Files.list(TOP.resolve("target"))) {
            deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
        }
        Path root = tmp.resolve("root");
        Sandbox.sh("dpkg-deb", "-x", deb.toString(), root.toString());
        Path ocf = root.resolve("usr/lib/ocf");
        for (String agent : new String[] {"mysql", "vip"}) {
            Path a = ocf.resolve("resource.d/mysqlha/" + agent);
            assertTrue(Files.isExecutable(a), a.toString());
        }
        Path jar = root.resolve("usr/share/mysqlha/mysqlha.jar");
        // what postinst does: the archive for the installed path
        Sandbox.sh(ocf.resolve("lib/mysqlha/mysqlha-cds").toString(), jar.toString());
        assertTrue(Files.exists(root.resolve("usr/share/mysqlha/mysqlha.jsa")));
        Map<String, String> env = new HashMap<>();
        env.put("OCF_ROOT", ocf.toString());
        env.put("MYSQLHA_JAR", jar.toString());
        Sandbox.Run md = Sandbox.run(env, ocf.resolve("resource.d/mysqlha/mysql").toString(), "meta-data");
        assertEquals(0, md.rc(), md.toString());
        Sandbox.Run cli = Sandbox.run(env, root.resolve("usr/bin/mysqlha").toString(), "--version");
        assertEquals(0, cli.rc(), cli.toString());
        Sandbox.sh("sh", "-n", TOP.resolve("packaging/debian/postinst").toString());
        Sandbox.sh("sh", "-n", TOP.resolve("packaging/debian/prerm").toString());
    }

    @Test
    void rpmHoldsTheSameTree() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/rpmbuild")), "rpmbuild not installed (apt-get install rpm)");
        Sandbox.Run build = Sandbox.run(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", "/tmp"),
                TOP.resolve("packaging/build-rpm").toString());
        assertEquals(0, build.rc(), build.toString());
        Path rpm;
        try (var s = Files.list(TOP.resolve("target"))) {
            rpm = s.filter(p -> p.getFileName().toString().endsWith(".rpm")).findFirst().orElseThrow();
        }
        Process p = new ProcessBuilder("rpm", "-qlp", rpm.toString()).redirectErrorStream(true).start();
        String files = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertTrue(files.contains("/usr/lib/ocf/resource.d/mysqlha/mysql"), files);
        assertTrue(files.contains("/usr/share/mysqlha/mysqlha.jar"), files);
        assertTrue(files.contains("/usr/lib/ocf/lib/mysqlha/launch.sh"), files);
    }
}
