package io.mysqlha.rt;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The cluster as {@code crm_mon -1 --output-as=xml} shows it, reduced to what the checkers need. */
public record CrmMon(boolean quorate, List<String> online, List<String> offline, List<Instance> db,
        Optional<String> writerVipOn, Optional<String> readerVipOn, List<Failure> failures) {

    /** One instance of the promotable clone: role (Promoted, Unpromoted, Stopped...), node, whether failed. */
    public record Instance(String role, String node, boolean failed) {}

    /** A failed action: which resource op on which node, its exit status and the agent's exit reason. */
    public record Failure(String opKey, String node, String exitStatus, String exitReason) {
        @Override
        public String toString() {
            return opKey + " on " + node + ": " + exitStatus + (exitReason.isEmpty() ? "" : " (" + exitReason + ")");
        }
    }

    public List<String> promoted() {
        return db.stream().filter(i -> i.role().equals("Promoted") && i.node() != null).map(Instance::node).toList();
    }

    public List<String> unpromoted() {
        return db.stream().filter(i -> i.role().equals("Unpromoted") && i.node() != null).map(Instance::node).toList();
    }

    /**
     * Healthy and settled: quorate, every HA node online, one promoted instance, every other online node
     * unpromoted, the writer VIP with the promoted one, the reader VIP (if any) on an unpromoted one, no
     * failed actions. Returns what is missing, or empty when converged.
     */
    public List<String> notConverged(List<String> haNodes, List<String> allNodes, boolean readerVip) {
        List<String> why = new ArrayList<>();
        if (!quorate) {
            why.add("no quorum");
        }
        for (String n : allNodes) {
            if (!online.contains(n)) {
                why.add(n + " offline");
            }
        }
        List<String> p = promoted();
        if (p.size() != 1) {
            why.add(p.size() + " promoted instances " + p);
        }
        for (String n : allNodes) {
            if (online.contains(n) && !p.contains(n) && !unpromoted().contains(n)) {
                why.add("db not running on " + n);
            }
        }
        if (p.size() == 1 && !writerVipOn.equals(Optional.of(p.get(0)))) {
            why.add("writer VIP on " + writerVipOn.orElse("no node") + ", promoted on " + p.get(0));
        }
        if (readerVip && (readerVipOn.isEmpty() || !unpromoted().contains(readerVipOn.get()))) {
            why.add("reader VIP on " + readerVipOn.orElse("no node"));
        }
        if (!failures.isEmpty()) {
            why.add("failed actions: " + failures);
        }
        return why;
    }

    public static CrmMon parse(String xml, String dbResource, String writerVip, String readerVip) {
        Document doc;
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalArgumentException("crm_mon output is not XML: " + e.getMessage(), e);
        }
        boolean quorate = false;
        NodeList dc = doc.getElementsByTagName("current_dc");
        if (dc.getLength() > 0) {
            quorate = "true".equals(((Element) dc.item(0)).getAttribute("with_quorum"));
        }
        List<String> online = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        Element nodesEl = first(doc.getDocumentElement(), "nodes");
        if (nodesEl != null) {
            for (Element n : children(nodesEl, "node")) {
                ("true".equals(n.getAttribute("online")) ? online : offline).add(n.getAttribute("name"));
            }
        }
        List<Instance> db = new ArrayList<>();
        Optional<String> wv = Optional.empty();
        Optional<String> rv = Optional.empty();
        Element res = first(doc.getDocumentElement(), "resources");
        if (res != null) {
            for (Element c : children(res, "clone")) {
                if (!c.getAttribute("id").equals(dbResource)) {
                    continue;
                }
                for (Element r : children(c, "resource")) {
                    List<Element> on = children(r, "node");
                    boolean failed = "true".equals(r.getAttribute("failed"));
                    if (on.isEmpty()) {
                        db.add(new Instance(r.getAttribute("role"), null, failed));
                    }
                    for (Element n : on) {
                        db.add(new Instance(r.getAttribute("role"), n.getAttribute("name"), failed));
                    }
                }
            }
            for (Element r : children(res, "resource")) {
                List<Element> on = children(r, "node");
                if (!"true".equals(r.getAttribute("active")) || on.isEmpty()) {
                    continue;
                }
                if (r.getAttribute("id").equals(writerVip)) {
                    wv = Optional.of(on.get(0).getAttribute("name"));
                } else if (r.getAttribute("id").equals(readerVip)) {
                    rv = Optional.of(on.get(0).getAttribute("name"));
                }
            }
        }
        List<Failure> failures = new ArrayList<>();
        Element fs = first(doc.getDocumentElement(), "failures");
        if (fs != null) {
            for (Element f : children(fs, "failure")) {
                failures.add(new Failure(f.getAttribute("op_key"), f.getAttribute("node"), f.getAttribute("exitstatus"),
                        io.mysqlha.status.ClusterStatus.exitReason(f.getAttribute("exitreason"))));
            }
        }
        return new CrmMon(quorate, online, offline, db, wv, rv, failures);
    }

    private static Element first(Element parent, String tag) {
        List<Element> c = children(parent, tag);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }
}
