package io.mysqlha.status;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading the CIB's resources and crm_mon's XML (trimmed from a lab's Pacemaker 2.1). */
class PacemakerXmlTest {
    static final String CIB = """
            <resources>
              <primitive id="fence" class="stonith" type="fence_mysqlha_lab"/>
              <clone id="db">
                <primitive id="mysql" class="ocf" type="mysql" provider="mysqlha">
                  <instance_attributes id="mysql-instance_attributes">
                    <nvpair id="a" name="node_addresses" value="node1=10.250.11.11 node2=10.250.11.12:3307"/>
                    <nvpair id="b" name="port" value="3306"/>
                  </instance_attributes>
                  <operations><op name="monitor" interval="1s" id="m"/></operations>
                </primitive>
                <meta_attributes id="db-meta"><nvpair id="c" name="promotable" value="true"/></meta_attributes>
              </clone>
              <primitive id="writer-vip" class="ocf" type="vip" provider="mysqlha">
                <instance_attributes id="w"><nvpair id="d" name="ip" value="10.250.11.50"/></instance_attributes>
              </primitive>
            </resources>
            """;
    static final String MON = """
            <pacemaker-result api-version="2.25" request="crm_mon">
              <nodes>
                <node name="node1" id="1" online="true" unclean="false"/>
                <node name="node2" id="2" online="true" unclean="false"/>
                <node name="node3" id="3" online="false" unclean="false"/>
              </nodes>
              <resources>
                <clone id="db" multi_state="true">
                  <resource id="mysql" resource_agent="ocf:mysqlha:mysql" role="Promoted" active="true" failed="false">
                    <node name="node2" id="2" cached="true"/>
                  </resource>
                  <resource id="mysql" resource_agent="ocf:mysqlha:mysql" role="Unpromoted" active="true" failed="false">
                    <node name="node1" id="1" cached="true"/>
                  </resource>
                </clone>
                <resource id="writer-vip" resource_agent="ocf:mysqlha:vip" role="Started" active="true" failed="false">
                  <node name="node2" id="2" cached="true"/>
                </resource>
              </resources>
              <node_attributes>
                <node name="node1">
                  <attribute name="master-mysql" value="1000"/>
                  <attribute name="mysql-readable" value="1"/>
                  <attribute name="mysql-lag" value="0"/>
                </node>
              </node_attributes>
              <node_history>
                <node name="node1">
                  <resource_history id="mysql" orphan="false" migration-threshold="1000000" fail-count="2"/>
                </node>
              </node_history>
              <failures>
                <failure op_key="mysql_monitor_3000" node="node1" exitstatus="error" exitreason="replication stopped" exitcode="1"/>
              </failures>
              <status code="0" message="OK"/>
            </pacemaker-result>
            """;

    @Test
    void findsTheMysqlPrimitiveItsCloneAndTheVips() {
        ClusterStatus.ResourceConfig c = ClusterStatus.resources(CIB, null);
        assertEquals("mysql", c.primitive());
        assertEquals("db", c.cloneId());
        assertEquals("node1=10.250.11.11 node2=10.250.11.12:3307", c.param("node_addresses", ""));
        assertEquals(List.of(new ClusterStatus.VipConfig("writer-vip", "10.250.11.50", "ocf:mysqlha:vip")), c.vips());
        assertEquals("mysql", ClusterStatus.resources(CIB, "db").primitive());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterStatus.resources(CIB, "pg"));
        assertEquals("no resource 'pg' in the CIB: name the mysql primitive or its clone with --resource", e.getMessage());
    }

    @Test
    void readsRolesAttributesFailCountsFailuresAndHolders() {
        ClusterStatus.CrmMon m = ClusterStatus.crmMon(MON, "mysql");
        assertEquals(Map.of("node1", true, "node2", true, "node3", false), m.nodes());
        assertEquals(Map.of("node1", "unpromoted", "node2", "promoted"), m.roles());
        assertEquals("1000", m.attributes().get("node1").get("master-mysql"));
        assertEquals(Map.of("mysql", 2), m.failCounts().get("node1"));
        assertEquals(List.of("mysql_monitor_3000 error: replication stopped"), m.failures().get("node1"));
        assertEquals(Map.of("writer-vip", List.of("node2")), m.holders());
        assertThrows(IllegalArgumentException.class, () -> ClusterStatus.crmMon(
                "<pacemaker-result><status code=\"102\" message=\"Not connected\"/></pacemaker-result>", "mysql"));
    }
}
