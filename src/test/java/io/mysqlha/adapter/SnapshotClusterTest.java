package io.mysqlha.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.ocf.OcfException;
import io.mysqlha.port.Clock;
import io.mysqlha.port.CommandRunner;
import io.mysqlha.port.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One action's view of the cluster properties: one cibadmin read answers every question of the action, its own
 * writes are seen, and whatever the one read cannot answer goes to crm_attribute as before.
 */
class SnapshotClusterTest {
    // what cibadmin --query --scope crm_config printed in the lab (Pacemaker 2.1.5), with a promotion record added
    static final String CRM_CONFIG = """
            <crm_config>
              <cluster_property_set id="cib-bootstrap-options">
                <nvpair id="cib-bootstrap-options-dc-deadtime" name="dc-deadtime" value="5s"/>
                <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>
                <nvpair id="cib-bootstrap-options-mysqlha_mysql_master_info" name="mysqlha_mysql_master_info" value="node=node2;epoch=1;pos=0-1-11;time=1796430629231"/>
                <nvpair id="cib-bootstrap-options-mysqlha_mysql_promotion" name="mysqlha_mysql_promotion" value="id=node1@1796430673092;node=node1;mode=gtid;gtid=0-2-33"/>
                <nvpair id="cib-bootstrap-options-note" name="note" value="a &amp; b &lt;c&gt; &quot;d&quot;"/>
                <nvpair id="cib-bootstrap-options-blank" name="blank" value=""/>
              </cluster_property_set>
            </crm_config>
            """;

    /** Answers cibadmin with {@code crmConfig} and crm_attribute --query with {@code "queried:<name>"}; counts both. */
    static final class Runner implements CommandRunner {
        final List<List<String>> calls = new ArrayList<>();
        String crmConfig = CRM_CONFIG;
        int cibadminExit = 0;
        CountDownLatch cibadminGate = new CountDownLatch(0);

        @Override
        public synchronized Result run(List<String> argv, String stdin, Deadline deadline) {
            calls.add(argv);
            if (argv.get(0).equals("cibadmin")) {
                try {
                    cibadminGate.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return cibadminExit == 0 ? new Result(0, crmConfig, "", false)
                        : new Result(cibadminExit, "", "Call cib_query failed: Timer expired", false);
            }
            if (argv.get(0).equals("crm_attribute") && argv.contains("--query")) {
                return new Result(0, "queried:" + argv.get(argv.indexOf("--name") + 1) + "\n", "", false);
            }
            return new Result(0, "", "", false);
        }

        synchronized long count(String tool) {
            return calls.stream().filter(c -> c.get(0).equals(tool)).count();
        }

        @Override
        public boolean available(String program) {
            return true;
        }
    }

    static Deadline deadline() {
        return Deadline.in(Clock.SYSTEM, 10_000);
    }

    @Test
    void oneReadAnswersEveryPropertyOfTheAction() {
        Runner r = new Runner();
        SnapshotCluster c = new SnapshotCluster(new PacemakerCli(r, "node1"));
        assertEquals(Optional.of("node=node2;epoch=1;pos=0-1-11;time=1796430629231"),
                c.clusterProperty("mysqlha_mysql_master_info", deadline()));
        assertEquals(Optional.of("id=node1@1796430673092;node=node1;mode=gtid;gtid=0-2-33"),
                c.clusterProperty("mysqlha_mysql_promotion", deadline()));
        assertEquals(Optional.empty(), c.clusterProperty("mysqlha_mysql_binlog_index_node3", deadline()));
        assertEquals(Optional.empty(), c.clusterProperty("blank", deadline()), "an empty value reads as unset, as crm_attribute's");
        assertEquals(Optional.of("a & b <c> \"d\""), c.clusterProperty("note", deadline()));
        assertEquals(1, r.count("cibadmin"));
        assertEquals(0, r.count("crm_attribute"));
    }

    @Test
    void theActionsOwnWritesAreSeenAndWrittenThrough() {
        Runner r = new Runner();
        SnapshotCluster c = new SnapshotCluster(new PacemakerCli(r, "node1"));
        c.prefetchProperties(deadline());
        c.setClusterProperty("mysqlha_mysql_master_info", "node=node1;epoch=2;pos=0-1-12;time=1", deadline());
        assertEquals(Optional.of("node=node1;epoch=2;pos=0-1-12;time=1"), c.clusterProperty("mysqlha_mysql_master_info", deadline()));
        assertTrue(r.calls.contains(List.of("crm_attribute", "--type", "crm_config", "--name", "mysqlha_mysql_master_info",
                "--update", "node=node1;epoch=2;pos=0-1-12;time=1")));
        // the rest still from the read
        assertEquals(Optional.of("5s"), c.clusterProperty("dc-deadtime", deadline()));
    }

    @Test
    void aWriteDuringThePrefetchIsNotLostToTheOlderRead() throws Exception {
        Runner r = new Runner();
        r.cibadminGate = new CountDownLatch(1);
        SnapshotCluster c = new SnapshotCluster(new PacemakerCli(r, "node1"));
        c.prefetchProperties(deadline());
        c.setClusterProperty("mysqlha_mysql_promotion", "id=x;node=node3;mode=gtid;gtid=0-3-1", deadline());
        r.cibadminGate.countDown();
        assertEquals(Optional.of("id=x;node=node3;mode=gtid;gtid=0-3-1"), c.clusterProperty("mysqlha_mysql_promotion", deadline()));
        assertEquals(Optional.of("node=node2;epoch=1;pos=0-1-11;time=1796430629231"),
                c.clusterProperty("mysqlha_mysql_master_info", deadline()));
        assertEquals(1, r.count("cibadmin"));
    }

    @Test
    void aNameInSeveralPropertySetsIsAskedOfCrmAttribute() {
        Runner r = new Runner();
        r.crmConfig = CRM_CONFIG.replace("</crm_config>", """
                  <cluster_property_set id="operator-options">
                    <nvpair id="op-master-info" name="mysqlha_mysql_master_info" value="node=node9;epoch=9;pos=0-9-9;time=9"/>
                  </cluster_property_set>
                </crm_config>""");
        SnapshotCluster c = new SnapshotCluster(new PacemakerCli(r, "node1"));
        assertEquals(Optional.of("queried:mysqlha_mysql_master_info"), c.clusterProperty("mysqlha_mysql_master_info", deadline()));
        assertEquals(Optional.of("5s"), c.clusterProperty("dc-deadtime", deadline()));
        assertEquals(1, r.count("crm_attribute"));
    }

    @Test
    void aFailedReadFallsBackToCrmAttributeForEachName() {
        Runner r = new Runner();
        r.cibadminExit = 62;
        SnapshotCluster c = new SnapshotCluster(new PacemakerCli(r, "node1"));
        c.prefetchProperties(deadline());
        assertEquals(Optional.of("queried:mysqlha_mysql_master_info"), c.clusterProperty("mysqlha_mysql_master_info", deadline()));
        assertEquals(Optional.of("queried:mysqlha_mysql_promotion"), c.clusterProperty("mysqlha_mysql_promotion", deadline()));
        assertEquals(1, r.count("cibadmin"), "the failed read is not repeated within the action");
    }

    @Test
    void aClusterWithoutTheOneReadIsAskedPerName() {
        // the standalone cluster (files in a directory) has no crm_config to read at once
        Map<String, String> props = new java.util.HashMap<>(Map.of("a", "1"));
        int[] asked = {0};
        SnapshotCluster c = new SnapshotCluster(new PropertiesOnly(props, asked));
        assertEquals(Optional.of("1"), c.clusterProperty("a", deadline()));
        assertEquals(Optional.of("1"), c.clusterProperty("a", deadline()));
        assertEquals(2, asked[0]);
    }

    @Test
    void crmConfigParsing() {
        Map<String, List<String>> m = PacemakerCli.parseCrmConfig(CRM_CONFIG);
        assertEquals(List.of("true"), m.get("stonith-enabled"));
        assertEquals(List.of(""), m.get("blank"));
        assertEquals(6, m.size());
        assertEquals(Map.of(), PacemakerCli.parseCrmConfig("<crm_config/>"));
        OcfException e = assertThrows(OcfException.class, () -> PacemakerCli.parseCrmConfig("<cib/>"));
        assertTrue(e.getMessage().contains("crm_config"), e.getMessage());
    }

    /** A cluster of properties only, asked one name at a time. */
    record PropertiesOnly(Map<String, String> props, int[] asked) implements io.mysqlha.port.Cluster {
        public String localNode() {
            return "node1";
        }

        public boolean hasQuorum(Deadline d) {
            return true;
        }

        public List<String> partitionMembers(Deadline d) {
            return List.of("node1");
        }

        public List<String> knownNodes(Deadline d) {
            return List.of("node1");
        }

        public void setPromotionScore(String resource, int score, Deadline d) {
        }

        public void clearPromotionScore(String resource, Deadline d) {
        }

        public Optional<String> clusterProperty(String name, Deadline d) {
            asked[0]++;
            return Optional.ofNullable(props.get(name));
        }

        public void setClusterProperty(String name, String value, Deadline d) {
            props.put(name, value);
        }

        public void setNodeAttribute(String name, String value, boolean privateAttr, Deadline d) {
        }

        public void deleteNodeAttribute(String name, boolean privateAttr, Deadline d) {
        }

        public Map<String, String> nodeAttributes(String name, Deadline d) {
            return Map.of();
        }
    }
}
