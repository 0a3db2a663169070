package io.mysqlha.ocf;

import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.MysqlParams;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OcfTest {

    @Test
    void notifyListsAreSplitNotConcatenated() {
        OcfEnv env = OcfEnv.of(Map.of(
                "OCF_RESKEY_CRM_meta_notify_type", "post",
                "OCF_RESKEY_CRM_meta_notify_operation", "promote",
                "OCF_RESKEY_CRM_meta_notify_promote_uname", "node2 ",
                "OCF_RESKEY_CRM_meta_notify_active_uname", "node1 node2  node3",
                "OCF_RESKEY_CRM_meta_notify_master_uname", "node1",
                "OCF_RESKEY_CRM_meta_notify_slave_uname", "node2 node3",
                "OCF_RESKEY_CRM_meta_notify_all_uname", "node1 node2 node3 node1"));
        Notify n = env.notifyInfo();
        assertTrue(n.isPost());
        assertEquals("promote", n.operation());
        assertEquals(List.of("node2"), n.promote());
        assertEquals(List.of("node1", "node2", "node3"), n.active());
        assertEquals(List.of("node1"), n.promoted(), "legacy master list used when the 2.1 alias is absent");
        assertEquals(List.of("node2", "node3"), n.unpromoted());
        assertEquals(List.of("node1", "node2", "node3"), n.all());
        assertEquals(List.of(), n.demote());
    }

    @Test
    void modernPromotedAliasWins() {
        OcfEnv env = OcfEnv.of(Map.of("OCF_RESKEY_CRM_meta_notify_promoted_uname", "b",
                "OCF_RESKEY_CRM_meta_notify_master_uname", "a"));
        assertEquals(List.of("b"), env.notifyInfo().promoted());
    }

    @Test
    void resourceNameDropsCloneSuffix() {
        assertEquals("db", OcfEnv.of(Map.of("OCF_RESOURCE_INSTANCE", "db:2")).resourceName());
        assertEquals("db", OcfEnv.of(Map.of("OCF_RESOURCE_INSTANCE", "db")).resourceName());
    }

    @Test
    void timeoutsAndIntervals() {
        OcfEnv env = OcfEnv.of(Map.of("OCF_RESKEY_CRM_meta_timeout", "30000", "OCF_RESKEY_CRM_meta_interval", "0"));
        assertEquals(30000, env.timeoutMillis(1));
        assertEquals(0, env.intervalMillis());
        assertEquals(5, OcfEnv.of(Map.of()).timeoutMillis(5));
    }

    @Test
    void paramsApplyDefaultsAndNameTheBadParameter() {
        Params p = Params.resolve(OcfEnv.of(Map.of("OCF_RESKEY_port", "3307")), MysqlParams.PARAMS);
        assertEquals(3307, p.integer("port"));
        assertEquals("/var/lib/mysql", p.str("datadir"));
        assertTrue(p.bool("semisync"));
        OcfException e = assertThrows(OcfException.class,
                () -> Params.resolve(OcfEnv.of(Map.of("OCF_RESKEY_max_lag", "ten")), MysqlParams.PARAMS));
        assertEquals(OcfExit.ERR_CONFIGURED, e.exit());
        assertTrue(e.getMessage().contains("'max_lag'"));
        OcfException b = assertThrows(OcfException.class,
                () -> Params.resolve(OcfEnv.of(Map.of("OCF_RESKEY_semisync", "maybe")), MysqlParams.PARAMS));
        assertTrue(b.getMessage().contains("'semisync'"));
    }

    @Test
    void requiredParameter() {
        List<ParamSpec> specs = List.of(ParamSpec.string("ip", null, "s", "l").asRequired());
        OcfException e = assertThrows(OcfException.class, () -> Params.resolve(OcfEnv.of(Map.of()), specs));
        assertEquals(OcfExit.ERR_CONFIGURED, e.exit());
        assertTrue(e.getMessage().contains("'ip'"));
    }

    @Test
    void metaDataDescribesEveryParameterAndTwoRoleMonitors() throws Exception {
        String xml = MysqlAgent.metaData();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        NodeList params = doc.getElementsByTagName("parameter");
        assertEquals(MysqlParams.PARAMS.size(), params.getLength());
        for (int i = 0; i < params.getLength(); i++) {
            Element p = (Element) params.item(i);
            String name = p.getAttribute("name");
            assertFalse(p.getElementsByTagName("shortdesc").item(0).getTextContent().isBlank(), name);
            assertTrue(p.getElementsByTagName("longdesc").item(0).getTextContent().length() > 10, name);
            Element content = (Element) p.getElementsByTagName("content").item(0);
            assertTrue(Set.of("string", "integer", "boolean", "time").contains(content.getAttribute("type")), name);
            assertTrue(content.hasAttribute("default"), name + " has a default");
        }
        NodeList actions = doc.getElementsByTagName("action");
        Set<String> roles = new HashSet<>();
        Set<String> intervals = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < actions.getLength(); i++) {
            Element a = (Element) actions.item(i);
            names.add(a.getAttribute("name"));
            if (a.getAttribute("name").equals("monitor")) {
                roles.add(a.getAttribute("role"));
                intervals.add(a.getAttribute("interval"));
            }
        }
        assertEquals(Set.of("Promoted", "Unpromoted"), roles);
        assertEquals(2, intervals.size(), "role monitors need different intervals");
        assertEquals(Set.of("start", "stop", "monitor", "promote", "demote", "notify", "meta-data", "validate-all"), names);
    }

    @Test
    void metaDataEscapesXml() {
        String x = MetaData.render("a", "1", "s<", "l&", List.of(ParamSpec.string("p", "\"q\"", "x", "y")), List.of());
        assertTrue(x.contains("s&lt;"));
        assertTrue(x.contains("l&amp;"));
        assertTrue(x.contains("default=\"&quot;q&quot;\""));
    }

    @Test
    void logWritesExactlyOneExitReasonLine(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("ha.log");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OcfLog log = new OcfLog("t", OcfEnv.of(Map.of("HA_LOGFILE", file.toString())), () -> {
            throw new IllegalStateException("no syslog");
        }, new PrintStream(err, true, StandardCharsets.UTF_8));
        log.debug("hidden");
        log.info("hello");
        log.exitReason("first\nline");
        log.exitReason("second");
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("ocf-exit-reason:first line\n", e);
        String l = Files.readString(file);
        assertTrue(l.contains("INFO: hello"));
        assertTrue(l.contains("ERROR: first line"));
        assertFalse(l.contains("hidden"));
    }

    @Test
    void debugHonoursHaDebug(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("ha.log");
        OcfLog log = new OcfLog("t", OcfEnv.of(Map.of("HA_LOGFILE", file.toString(), "HA_debug", "1")), () -> null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        log.debug("visible");
        assertTrue(Files.readString(file).contains("DEBUG: visible"));
    }
}
