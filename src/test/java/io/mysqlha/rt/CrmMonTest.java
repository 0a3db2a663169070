package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** crm_mon XML as Pacemaker 2.1.5 prints it in the lab (trimmed). */
class CrmMonTest {
    static final String HEALTHY = """
            <pacemaker-result api-version="2.25" request="crm_mon -1 --output-as=xml">
              <summary>
                <current_dc present="true" version="2.1.5" name="node2" id="2" with_quorum="true" mixed_version="false"/>
              </summary>
              <nodes>
                <node name="node1" id="1" online="true" type="member"/>
                <node name="node2" id="2" online="true" type="member"/>
                <node name="node3" id="3" online="true" type="member"/>
              </nodes>
              <resources>
                <clone id="db" multi_state="true" unique="false" managed="true" disabled="false" failed="false">
                  <resource id="mysql" resource_agent="ocf:mysqlha:mysql" role="Promoted" active="true" failed="false" nodes_running_on="1">
                    <node name="node3" id="3" cached="true"/>
                  </resource>
                  <resource id="mysql" resource_agent="ocf:mysqlha:mysql" role="Unpromoted" active="true" failed="false" nodes_running_on="1">
                    <node name="node2" id="2" cached="true"/>
                  </resource>
                  <resource id="mysql" resource_agent="ocf:mysqlha:mysql" role="Unpromoted" active="true" failed="false" nodes_running_on="1">
                    <node name="node1" id="1" cached="true"/>
                  </resource>
                </clone>
                <resource id="writer-vip" resource_agent="ocf:mysqlha:vip" role="Started" active="true" failed="false" nodes_running_on="1">
                  <node name="node3" id="3" cached="true"/>
                </resource>
                <resource id="reader-vip" resource_agent="ocf:mysqlha:vip" role="Started" active="true" failed="false" nodes_running_on="1">
                  <node name="node1" id="1" cached="true"/>
                </resource>
              </resources>
            </pacemaker-result>
            """;

    @Test
    void healthyClusterConverged() {
        CrmMon v = CrmMon.parse(HEALTHY, "db", "writer-vip", "reader-vip");
        assertTrue(v.quorate());
        assertEquals(List.of("node3"), v.promoted());
        assertEquals(List.of("node2", "node1"), v.unpromoted());
        assertEquals(Optional.of("node3"), v.writerVipOn());
        assertEquals(Optional.of("node1"), v.readerVipOn());
        List<String> all = List.of("node1", "node2", "node3");
        assertEquals(List.of(), v.notConverged(all, all, true));
    }

    @Test
    void failedActionsAndStoppedInstancesAreNotConverged() {
        String xml = HEALTHY.replaceFirst("(?s)<resource id=\"mysql\"[^>]*role=\"Unpromoted\"[^>]*>\\s*<node name=\"node1\"[^>]*/>\\s*</resource>", "")
                .replace("</resources>", """
                </resources>
                <failures>
                  <failure op_key="mysql_start_0" node="node1" exitstatus="error" exitreason="stale primary: epoch 3 &lt; 4" exitcode="1" call="30" status="complete"/>
                </failures>
                """);
        CrmMon v = CrmMon.parse(xml, "db", "writer-vip", "reader-vip");
        List<String> all = List.of("node1", "node2", "node3");
        List<String> why = v.notConverged(all, all, true);
        assertTrue(why.contains("db not running on node1"), why.toString());
        assertTrue(why.stream().anyMatch(s -> s.contains("stale primary")), why.toString());
        assertEquals("error", v.failures().get(0).exitStatus());
        assertFalse(v.failures().isEmpty());
    }

    @Test
    void anExitReasonEscapedTwiceReadsAsTheAgentWroteIt() {
        // as the round's log showed it: Pacemaker records the reason escaped, crm_mon's XML escapes it again
        String xml = HEALTHY.replace("</resources>", """
                </resources>
                <failures>
                  <failure op_key="mysql_start_0" node="node2" exitstatus="error" exitreason="rebuild this node from the primary, then &amp;apos;mysqlha rejoin&amp;apos; (epoch 3 &amp;lt; 4)" exitcode="1" call="30" status="complete"/>
                </failures>
                """);
        CrmMon v = CrmMon.parse(xml, "db", "writer-vip", "reader-vip");
        assertEquals("rebuild this node from the primary, then 'mysqlha rejoin' (epoch 3 < 4)", v.failures().get(0).exitReason());
        assertEquals("a & b", io.mysqlha.status.ClusterStatus.exitReason("a &amp; b"));
        assertEquals("plain", io.mysqlha.status.ClusterStatus.exitReason("plain"));
    }

    @Test
    void withoutQuorumAndNotXml() {
        CrmMon v = CrmMon.parse(HEALTHY.replace("with_quorum=\"true\"", "with_quorum=\"false\""), "db", "writer-vip", "reader-vip");
        assertFalse(v.quorate());
        assertThrows(IllegalArgumentException.class, () -> CrmMon.parse("Error: not connected", "db", "w", "r"));
    }
}
