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
    static final Map<String, String> PATH_ENV = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", "/tmp");

    /**
     * What an operator's node goes through, in a fresh root (test-harness/overlay-root: /etc, /usr and /var
     * are overlays of this machine's, so the dependencies are installed and nothing of the host changes):
     * install, the agents found by pcs, a monitor from the installed paths with and without the installed
     * node service, the unit enabled; an upgrade to a newer build keeps the credentials and the state;
     * remove and purge keep them too, and purge says so.
     */
    @Test
    void debInstallsUpgradesAndRemovesInAFreshRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (dpkg, mount namespaces)");
        for (String tool : new String[] {"/usr/bin/dpkg", "/usr/bin/dpkg-deb", "/usr/bin/unshare", "/usr/sbin/pcs"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " not installed");
        }
        Path tmp = workDir("deb");
        Path v1 = build(tmp, "build-deb", ".deb", null);
        String newer = version("~snapshot") + "+upgrade1";
        Path v2 = build(tmp, "build-deb", ".deb", newer);
        Path root = tmp.resolve("node");
        String installed = inRoot(root, "dpkg -i " + v1 + " || exit 1"
                + "; test -x /usr/lib/ocf/resource.d/mysqlha/mysql && test -x /usr/sbin/mysqlhad"
                + " && test -x /usr/lib/ocf/lib/mysqlha/mysqlha-client && test -s /usr/share/mysqlha/mysqlha.jsa"
                + "; echo modes $(stat -c %a /etc/mysqlha) $(stat -c %a /var/lib/mysqlha)"
                + "; echo enabled $(readlink /etc/systemd/system/multi-user.target.wants/mysqlhad.service)"
                + "; if command -v systemd-analyze >/dev/null; then systemd-analyze verify /usr/lib/systemd/system/mysqlhad.service"
                + " && echo unit-verified; fi"
                + "; pcs resource describe ocf:mysqlha:mysql | grep -E '^  (tls_ca|credentials_file):' | sed 's/^/describe /'"
                + "; " + MONITOR + "; echo monitor-jvm rc=$?"
                // its own pid: this root shares the host's process table, where other services run
                + "; /usr/sbin/mysqlhad >/tmp/mysqlhad.log 2>&1 & svc=$!"
                + "; for i in $(seq 100); do mysqlha service status >/dev/null 2>&1 && break; sleep 0.1; done"
                + "; " + MONITOR + "; echo monitor-service rc=$?"
                + "; mysqlha service status | grep -E 'requests:' | sed 's/^/service /'"
                + "; kill $svc; wait $svc"
                + "; printf '{\"admin\":{\"user\":\"a\",\"password\":\"kept\"}}' > /etc/mysqlha/credentials.json"
                + "; chmod 600 /etc/mysqlha/credentials.json; install -d /var/lib/mysqlha/db"
                + "; echo 'node=n1;epoch=7;' > /var/lib/mysqlha/db/master-info");
        assertTrue(installed.contains("modes 700 750"), installed);
        assertTrue(installed.contains("enabled /lib/systemd/system/mysqlhad.service")
                || installed.contains("enabled /usr/lib/systemd/system/mysqlhad.service"), installed);
        assertTrue(installed.contains("describe   tls_ca:"), installed);
        assertTrue(installed.contains("describe   credentials_file:"), installed);
        assertTrue(installed.contains("monitor-jvm rc=7"), installed);
        assertTrue(installed.contains("monitor-service rc=7"), installed);
        assertTrue(installed.matches("(?s).*service requests:\\s+1 accepted.*"), installed);
        assertTrue(!Files.exists(Path.of("/usr/lib/ocf/resource.d/mysqlha/mysql"))
                || !Files.exists(Path.of("/usr/sbin/mysqlhad")), "the host itself was not installed into");

        String upgraded = inRoot(root, "dpkg -i " + v2 + "; dpkg-query -W -f='version ${Version}\\n' mysqlha"
                + "; cat /etc/mysqlha/credentials.json; echo; cat /var/lib/mysqlha/db/master-info"
                + "; echo modes $(stat -c %a /etc/mysqlha) $(stat -c %a /etc/mysqlha/credentials.json) $(stat -c %a /var/lib/mysqlha)"
                + "; test -s /usr/share/mysqlha/mysqlha.jsa && echo archive-remade");
        assertTrue(upgraded.contains("version " + newer), upgraded);
        assertTrue(upgraded.contains("\"password\":\"kept\"") && upgraded.contains("node=n1;epoch=7;"), upgraded);
        assertTrue(upgraded.contains("modes 700 600 750") && upgraded.contains("archive-remade"), upgraded);

        String removed = inRoot(root, "dpkg -r mysqlha; test -e /usr/lib/ocf/resource.d/mysqlha/mysql || echo agents-gone"
                + "; test -e /usr/lib/systemd/system/mysqlhad.service || echo unit-gone"
                + "; test -e /usr/share/mysqlha/mysqlha.jsa || echo archive-gone"
                + "; test -f /etc/mysqlha/credentials.json && test -f /var/lib/mysqlha/db/master-info && echo state-kept"
                + "; dpkg -P mysqlha; test -f /etc/mysqlha/credentials.json && test -f /var/lib/mysqlha/db/master-info"
                + " && echo state-kept-after-purge");
        for (String want : new String[] {"agents-gone", "unit-gone", "archive-gone", "state-kept",
                "purge keeps /etc/mysqlha", "purge keeps /var/lib/mysqlha", "state-kept-after-purge"}) {
            assertTrue(removed.contains(want), want + " in: " + removed);
        }
    }

    /**
     * The rpm installed the same way (rpm -i into a fresh root; --nodeps, since this machine's rpm database
     * knows none of the dpkg-installed dependencies), upgraded and erased, and its files equal the deb's.
     */
    @Test
    void rpmInstallsLikeTheDebAndHoldsTheSameFiles() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (rpm, mount namespaces)");
        for (String tool : new String[] {"/usr/bin/rpm", "/usr/bin/rpmbuild", "/usr/bin/dpkg-deb", "/usr/bin/unshare"}) {
            assumeTrue(Files.isExecutable(Path.of(tool)), tool + " not installed (apt-get install rpm)");
        }
        Path tmp = workDir("rpm");
        Path deb = build(tmp, "build-deb", ".deb", null);
        Path v1 = build(tmp, "build-rpm", ".rpm", null);
        Path v2 = build(tmp, "build-rpm", ".rpm", version(".snapshot") + ".1");
        java.util.Set<String> debFiles = new java.util.TreeSet<>();
        for (String line : Sandbox.output("dpkg-deb", "-c", deb.toString()).split("\n")) {
            if (line.startsWith("-")) {
                debFiles.add(line.substring(line.indexOf("./") + 1));
            }
        }
        java.util.Set<String> rpmFiles = new java.util.TreeSet<>();
        for (String line : Sandbox.output("rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILENAMES}\n]", v1.toString()).split("\n")) {
            if (line.startsWith("-")) {
                rpmFiles.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        assertEquals(debFiles, rpmFiles, "the rpm's regular files and the deb's");
        Path root = tmp.resolve("node");
        // Debian's rpm refuses to install without --force-debian (it points at alien)
        String out = inRoot(root, "f=$(rpm --help 2>&1 | grep -q force-debian && echo --force-debian)"
                + "; rpm -i $f --nodeps " + v1
                + "; test -x /usr/lib/ocf/resource.d/mysqlha/mysql && test -s /usr/share/mysqlha/mysqlha.jsa && echo installed"
                + "; echo modes $(stat -c %a /etc/mysqlha) $(stat -c %a /var/lib/mysqlha)"
                + "; /usr/lib/ocf/resource.d/mysqlha/mysql meta-data | grep -c '<parameter name=\"tls' | sed 's/^/tls-params /'"
                + "; echo '{}' > /etc/mysqlha/credentials.json; rpm -U $f --nodeps " + v2
                + "; rpm -q --qf 'version %{VERSION}\\n' mysqlha; test -f /etc/mysqlha/credentials.json && echo kept-upgrade"
                + "; rpm -e $f mysqlha; test -e /usr/lib/ocf/resource.d/mysqlha/mysql || echo agents-gone"
                + "; test -f /etc/mysqlha/credentials.json && echo kept-erase");
        for (String want : new String[] {"installed", "modes 700 750", "tls-params 4", "version " + version(".snapshot") + ".1",
                "kept-upgrade", "agents-gone", "kept-erase", "kept /etc/mysqlha and /var/lib/mysqlha"}) {
            assertTrue(out.contains(want), want + " in: " + out);
        }
    }

    /** A monitor of a resource that is not running, from the installed agent (the standalone cluster: no Pacemaker). */
    private static final String MONITOR = "install -d -m 0700 /tmp/cluster; printf '{\"admin\":{\"user\":\"a\"},"
            + "\"replication\":{\"user\":\"r\"},\"monitor\":{\"user\":\"m\"}}' > /tmp/creds.json; chmod 600 /tmp/creds.json"
            + "; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=db"
            + " MYSQLHA_STANDALONE_DIR=/tmp/cluster MYSQLHA_NODE=n1 OCF_RESKEY_CRM_meta_interval=0"
            + " OCF_RESKEY_credentials_file=/tmp/creds.json OCF_RESKEY_datadir=/tmp/nodata OCF_RESKEY_pid=/tmp/none.pid"
            + " OCF_RESKEY_socket=/tmp/none.sock OCF_RESKEY_config= OCF_RESKEY_state_dir=/tmp/state"
            + " /usr/lib/ocf/resource.d/mysqlha/mysql monitor";

    /**
     * A fresh directory under target/ (not /tmp: the fresh root has its own empty /tmp, and the packages
     * must be visible inside it).
     */
    private static Path workDir(String name) throws Exception {
        Path d = TOP.resolve("target/it/packaging-" + name);
        Sandbox.deleteTree(d);
        return Files.createDirectories(d);
    }

    private static String version(String snapshot) throws Exception {
        String pom = Files.readString(TOP.resolve("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\n  <version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find());
        return m.group(1).replace("-SNAPSHOT", snapshot);
    }

    /** Builds a package (at {@code version}, or the pom's) and moves it out of target/, where the next build replaces it. */
    private static Path build(Path tmp, String script, String suffix, String version) throws Exception {
        Map<String, String> env = new HashMap<>(PATH_ENV);
        if (version != null) {
            env.put("MYSQLHA_PKG_VERSION", version);
        }
        Sandbox.Run b = Sandbox.run(env, TOP.resolve("packaging/" + script).toString());
        assertEquals(0, b.rc(), b.toString());
        Path built;
        try (var s = Files.list(TOP.resolve("target"))) {
            built = s.filter(p -> p.getFileName().toString().startsWith("mysqlha")
                    && p.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
        }
        Path dir = Files.createDirectories(tmp.resolve(script + "-" + (version == null ? "pom" : version)));
        return Files.move(built, dir.resolve(built.getFileName()));
    }

    /** Runs a shell script in the fresh root {@code root} (kept between calls); its output, stdout and stderr. */
    private static String inRoot(Path root, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(TOP.resolve("test-harness/overlay-root").toString(), root.toString(), "sh",
                "-c", script).redirectErrorStream(true);
        // a checkout under /tmp (a fresh clone, say) holds the packages: keep it visible in the empty /tmp
        pb.environment().put("OVERLAY_ROOT_KEEP", TOP.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(170, java.util.concurrent.TimeUnit.SECONDS), "hung: " + out);
        return out;
    }

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
        for (String agent : new String[] {"mysql", "vip", "lvs"}) {
            // the shims answer meta-data from these; one older than the jar would be ignored
            Path md = root.resolve("usr/share/mysqlha/metadata/" + agent + ".xml");
            assertTrue(Files.isRegularFile(md), md.toString());
            assertTrue(Files.getLastModifiedTime(md).compareTo(Files.getLastModifiedTime(jar)) >= 0, md + " older than the jar");
        }
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
        assertTrue(files.contains("/usr/share/mysqlha/metadata/mysql.xml"), files);
        assertTrue(files.contains("/usr/lib/ocf/lib/mysqlha/launch.sh"), files);
    }
}
