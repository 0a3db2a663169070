package io.mysqlha.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.decide.lvs.ClusterSnapshot;
import io.mysqlha.decide.lvs.ClusterSnapshot.MysqlRole;
import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** crm_mon output captured in the lab (Pacemaker 2.1.5, see src/test/resources/lvs/README.md). */
class CrmMonPoolHealthTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = CrmMonPoolHealthTest.class.getResourceAsStream("/lvs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void promotedStoppedAndUnpromotedInstances() throws IOException {
        ClusterSnapshot s = CrmMonPoolHealth.parse(fixture("crm_mon-include.xml"), "mysql");
        assertTrue(s.resourceKnown());
        assertEquals(new NodeFacts(true, MysqlRole.REPLICA, "1", "0"), s.facts("node1"));
        assertEquals(new NodeFacts(true, MysqlRole.PRIMARY, "0", "-1"), s.facts("node2"));
        // node3's instance is stopped: its attributes are left over from before
        assertEquals(new NodeFacts(true, MysqlRole.STOPPED, "0", "-1"), s.facts("node3"));
    }

    @Test
    void promotingCountsAsPrimaryAndTheFullOutputReadsTheSame() throws IOException {
        ClusterSnapshot s = CrmMonPoolHealth.parse(fixture("crm_mon-promoting.xml"), "mysql");
        assertEquals(MysqlRole.PRIMARY, s.facts("node2").role());
        assertEquals("1", s.facts("node2").readable());
        assertEquals(MysqlRole.REPLICA, s.facts("node1").role());
        assertEquals(MysqlRole.REPLICA, s.facts("node3").role());
    }

    @Test
    void offlineNodesAndFailedInstances() throws IOException {
        String xml = fixture("crm_mon-include.xml")
                .replace("<node name=\"node3\" id=\"3\" online=\"true\"", "<node name=\"node3\" id=\"3\" online=\"false\"")
                .replace("role=\"Unpromoted\" active=\"true\" orphaned=\"false\" blocked=\"false\" managed=\"true\" failed=\"false\"",
                        "role=\"Unpromoted\" active=\"true\" orphaned=\"false\" blocked=\"false\" managed=\"true\" failed=\"true\"");
        ClusterSnapshot s = CrmMonPoolHealth.parse(xml, "mysql");
        assertFalse(s.facts("node3").inPartition());
        assertEquals(MysqlRole.FAILED, s.facts("node1").role());
    }

    @Test
    void anUnknownResourceIsReported() throws IOException {
        ClusterSnapshot s = CrmMonPoolHealth.parse(fixture("crm_mon-include.xml"), "db");
        assertFalse(s.resourceKnown());
        assertEquals(MysqlRole.STOPPED, s.facts("node1").role());
        assertEquals(null, s.facts("node1").readable());
    }

    @Test
    void uniqueCloneInstancesAndEscapedValues() {
        String xml = "<?xml version=\"1.0\"?>\n<crm_mon version=\"2.0.0\"><!-- old root -->"
                + "<nodes><node name=\"a&amp;b\" online=\"true\"/></nodes>"
                + "<resources><clone id=\"c\"><resource id=\"db:0\" role=\"Slave\" active=\"true\" failed=\"false\">"
                + "<node name=\"a&amp;b\" id=\"1\" cached=\"false\"/></resource></clone></resources>"
                + "<node_attributes><node name=\"a&amp;b\"><attribute name=\"db-readable\" value=\"1\"/>"
                + "<attribute name='db-lag' value='&#50;'/></node></node_attributes></crm_mon>";
        ClusterSnapshot s = CrmMonPoolHealth.parse(xml, "db");
        assertEquals(new NodeFacts(true, MysqlRole.REPLICA, "1", "2"), s.facts("a&b"));
    }

    @Test
    void aFailureResultIsAnError() {
        String xml = "<pacemaker-result api-version=\"2.25\" request=\"crm_mon --output-as=xml\">\n"
                + "  <status code=\"102\" message=\"Not connected\">\n    <errors>\n"
                + "      <error>crm_mon: Connection to cluster failed: Transport endpoint is not connected</error>\n"
                + "    </errors>\n  </status>\n</pacemaker-result>\n";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CrmMonPoolHealth.parse(xml, "db"));
        assertTrue(e.getMessage().contains("102"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrmMonPoolHealth.parse("<a b=\"c></a>", "db"));
    }

    @Test
    void oneCallAndItsFailure() {
        List<List<String>> calls = new ArrayList<>();
        CommandRunner failing = new CommandRunner() {
            @Override
            public Result run(List<String> argv, String stdin, Deadline deadline) {
                calls.add(argv);
                return new Result(102, "<pacemaker-result><status code=\"102\"><errors><error>crm_mon: Connection"
                        + " to cluster failed: No such file or directory</error></errors></status></pacemaker-result>",
                        "", false);
            }

            @Override
            public boolean available(String program) {
                return true;
            }
        };
        OcfException e = assertThrows(OcfException.class,
                () -> new CrmMonPoolHealth(failing).snapshot("db", Deadline.in(Clock.SYSTEM, 1000)));
        assertEquals("crm_mon --output-as=xml failed (exit 102: crm_mon: Connection to cluster failed: No such file"
                + " or directory)", e.getMessage());
        assertEquals(List.of(CrmMonPoolHealth.ARGV), calls);
    }
}
