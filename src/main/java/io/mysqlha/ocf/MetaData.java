package io.mysqlha.ocf;

import java.util.List;

/** Renders OCF resource-agent meta-data XML (resource-agents' ra-api-1.dtd, OCF 1.1). */
public final class MetaData {
    private MetaData() {}

    /** The XML document for an agent. */
    public static String render(String agent, String version, String shortdesc, String longdesc,
                                List<ParamSpec> params, List<ActionSpec> actions) {
        StringBuilder x = new StringBuilder(8192);
        x.append("<?xml version=\"1.0\"?>\n")
                .append("<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n")
                .append("<resource-agent name=\"").append(esc(agent)).append("\" version=\"").append(esc(version))
                .append("\">\n")
                .append("  <version>1.1</version>\n")
                .append("  <longdesc lang=\"en\">").append(esc(longdesc)).append("</longdesc>\n")
                .append("  <shortdesc lang=\"en\">").append(esc(shortdesc)).append("</shortdesc>\n")
                .append("  <parameters>\n");
        for (ParamSpec p : params) {
            x.append("    <parameter name=\"").append(esc(p.name())).append("\"")
                    .append(" unique=\"").append(p.unique() ? 1 : 0).append("\"")
                    .append(" required=\"").append(p.required() ? 1 : 0).append("\">\n")
                    .append("      <longdesc lang=\"en\">").append(esc(p.longdesc())).append("</longdesc>\n")
                    .append("      <shortdesc lang=\"en\">").append(esc(p.shortdesc())).append("</shortdesc>\n")
                    .append("      <content type=\"").append(p.type().xml()).append("\"");
            if (p.defaultValue() != null) {
                x.append(" default=\"").append(esc(p.defaultValue())).append("\"");
            }
            x.append("/>\n    </parameter>\n");
        }
        x.append("  </parameters>\n  <actions>\n");
        for (ActionSpec a : actions) {
            x.append("    <action name=\"").append(a.name()).append("\" timeout=\"").append(a.timeoutS()).append("s\"");
            if (a.intervalS() > 0) {
                x.append(" interval=\"").append(a.intervalS()).append("s\"");
            }
            if (a.role() != null) {
                x.append(" role=\"").append(a.role()).append("\"");
            }
            if (a.depth() >= 0) {
                x.append(" depth=\"").append(a.depth()).append("\"");
            }
            x.append("/>\n");
        }
        x.append("  </actions>\n</resource-agent>\n");
        return x.toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
