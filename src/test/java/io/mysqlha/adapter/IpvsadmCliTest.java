package io.mysqlha.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.ServiceId;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ipvsadm's answers as seen on this project's machines (no IPVS) and in test-harness/ipvs-vm. */
class IpvsadmCliTest {
    static final ServiceId VIP = ServiceId.tcp("10.0.0.1:3306");
    final List<List<String>> calls = new ArrayList<>();

    IpvsadmCli answering(CommandRunner.Result r) {
        return new IpvsadmCli(new CommandRunner() {
            @Override
            public Result run(List<String> argv, String stdin, Deadline deadline) {
                calls.add(argv);
                return r;
            }

            @Override
            public boolean available(String program) {
                return true;
            }
        }, "ipvsadm");
    }

    static Deadline d() {
        return Deadline.in(Clock.SYSTEM, 5000);
    }

    @Test
    void readsOneServiceWithItsConnections() {
        String out = "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
                + "TCP  10.0.0.1:3306 wrr\n"
                + "  -> 10.0.0.12:3306               Route   1      2          0         \n";
        Optional<IpvsTable.Entry> e = answering(new CommandRunner.Result(0, out, "", false)).find(VIP, d());
        assertEquals(List.of(List.of("ipvsadm", "-L", "-n", "-t", "10.0.0.1:3306")), calls);
        assertEquals(2, e.orElseThrow().realServers().get(0).connections().active());
    }

    @Test
    void anAbsentServiceIsEmpty() {
        assertEquals(Optional.empty(), answering(new CommandRunner.Result(1, "", "No such service\n", false)).find(VIP, d()));
    }

    @Test
    void noIpvsInTheKernelIsErrInstalledWithTheReason() {
        String err = "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.18.44\n"
                + "Can't initialize ipvs: Protocol not available\n"
                + "Are you sure that IP Virtual Server is built in the kernel or as module?\n";
        OcfException e = assertThrows(OcfException.class,
                () -> answering(new CommandRunner.Result(2, "", err, false)).find(VIP, d()));
        assertEquals(OcfExit.ERR_INSTALLED, e.exit());
        assertEquals("IPVS is not available in this node's kernel (ipvsadm -L -n -t 10.0.0.1:3306: Can't initialize "
                + "ipvs: Protocol not available); load the ip_vs module, or run the resource only on nodes whose "
                + "kernel has IPVS", e.getMessage());
    }

    @Test
    void otherFailures() {
        assertEquals(OcfExit.ERR_PERM, assertThrows(OcfException.class, () -> answering(new CommandRunner.Result(2, "",
                "Can't initialize ipvs: Permission denied (you must be root)\n", false)).find(VIP, d())).exit());
        assertEquals(OcfExit.ERR_INSTALLED, assertThrows(OcfException.class, () -> answering(new CommandRunner.Result(127,
                "", "cannot run ipvsadm: No such file", false)).find(VIP, d())).exit());
        OcfException t = assertThrows(OcfException.class,
                () -> answering(new CommandRunner.Result(124, "", "", true)).find(VIP, d()));
        assertEquals(OcfExit.ERR_GENERIC, t.exit());
        assertTrue(t.getMessage().endsWith("timed out"));
        OcfException garbage = assertThrows(OcfException.class,
                () -> answering(new CommandRunner.Result(0, "TCP 10.0.0.1:3306 wrr bogus\n", "", false)).find(VIP, d()));
        assertTrue(garbage.getMessage().startsWith("cannot read the output of ipvsadm -L -n -t 10.0.0.1:3306"));
    }

    @Test
    void appliesOneChangePerCall() {
        CommandRunner.Result r = answering(new CommandRunner.Result(255, "", "Service already exists\n", false))
                .apply(List.of("-A", "-t", "10.0.0.1:3306", "-s", "wrr"), d());
        assertEquals(255, r.exit());
        assertEquals(List.of(List.of("ipvsadm", "-A", "-t", "10.0.0.1:3306", "-s", "wrr")), calls);
    }
}
