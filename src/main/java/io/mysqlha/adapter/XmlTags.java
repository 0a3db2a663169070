package io.mysqlha.adapter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal reader of the tags of a machine-written XML document (crm_mon's output): start tags with
 * their attributes, end tags, nothing else. Text, comments, processing instructions, CDATA and the
 * DOCTYPE are skipped. It exists so that a monitor does not load a full XML parser for a 2 kB answer:
 * the agents' budget is the JVM's start-up, and the JDK's parser alone costs a large part of it.
 */
public final class XmlTags {
    /** One tag. {@code end}: a closing tag; {@code empty}: a start tag that closes itself. */
    public record Tag(String name, Map<String, String> attrs, boolean end, boolean empty) {
        public String attr(String key) {
            return attrs.get(key);
        }
    }

    /** Receives the tags in document order. */
    public interface Handler {
        void tag(Tag t);
    }

    private XmlTags() {}

    /**
     * Reads {@code xml} and passes each tag to {@code h}.
     *
     * @throws IllegalArgumentException on a tag that is not well formed
     */
    public static void scan(String xml, Handler h) {
        int i = 0;
        int n = xml.length();
        while (true) {
            int lt = xml.indexOf('<', i);
            if (lt < 0) {
                return;
            }
            if (xml.startsWith("<!--", lt)) {
                i = skipPast(xml, lt, "-->");
            } else if (xml.startsWith("<![CDATA[", lt)) {
                i = skipPast(xml, lt, "]]>");
            } else if (xml.startsWith("<?", lt)) {
                i = skipPast(xml, lt, "?>");
            } else if (xml.startsWith("<!", lt)) {
                i = skipPast(xml, lt, ">");
            } else if (lt + 1 < n && xml.charAt(lt + 1) == '/') {
                int gt = xml.indexOf('>', lt);
                if (gt < 0) {
                    throw bad(lt, "unterminated end tag");
                }
                h.tag(new Tag(xml.substring(lt + 2, gt).trim(), Map.of(), true, false));
                i = gt + 1;
            } else {
                i = startTag(xml, lt, h);
            }
        }
    }

    private static int startTag(String xml, int lt, Handler h) {
        int n = xml.length();
        int p = lt + 1;
        int nameStart = p;
        while (p < n && !Character.isWhitespace(xml.charAt(p)) && xml.charAt(p) != '>' && xml.charAt(p) != '/') {
            p++;
        }
        String name = xml.substring(nameStart, p);
        if (name.isEmpty()) {
            throw bad(lt, "tag without a name");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        while (true) {
            while (p < n && Character.isWhitespace(xml.charAt(p))) {
                p++;
            }
            if (p >= n) {
                throw bad(lt, "unterminated tag <" + name);
            }
            char c = xml.charAt(p);
            if (c == '>') {
                h.tag(new Tag(name, attrs, false, false));
                return p + 1;
            }
            if (c == '/' && p + 1 < n && xml.charAt(p + 1) == '>') {
                h.tag(new Tag(name, attrs, false, true));
                return p + 2;
            }
            int eq = xml.indexOf('=', p);
            if (eq < 0) {
                throw bad(lt, "attribute without a value in <" + name);
            }
            String key = xml.substring(p, eq).trim();
            int q = eq + 1;
            while (q < n && Character.isWhitespace(xml.charAt(q))) {
                q++;
            }
            if (q >= n || (xml.charAt(q) != '"' && xml.charAt(q) != '\'')) {
                throw bad(lt, "unquoted attribute " + key + " in <" + name);
            }
            char quote = xml.charAt(q);
            int close = xml.indexOf(quote, q + 1);
            if (close < 0) {
                throw bad(lt, "unterminated attribute " + key + " in <" + name);
            }
            attrs.put(key, unescape(xml.substring(q + 1, close)));
            p = close + 1;
        }
    }

    private static int skipPast(String xml, int from, String end) {
        int e = xml.indexOf(end, from);
        if (e < 0) {
            throw bad(from, "unterminated " + xml.substring(from, Math.min(xml.length(), from + 4)));
        }
        return e + end.length();
    }

    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int semi = c == '&' ? s.indexOf(';', i) : -1;
            if (semi < 0) {
                b.append(c);
                i++;
                continue;
            }
            String ent = s.substring(i + 1, semi);
            switch (ent) {
                case "lt" -> b.append('<');
                case "gt" -> b.append('>');
                case "amp" -> b.append('&');
                case "quot" -> b.append('"');
                case "apos" -> b.append('\'');
                default -> {
                    try {
                        if (ent.startsWith("#x") || ent.startsWith("#X")) {
                            b.appendCodePoint(Integer.parseInt(ent.substring(2), 16));
                        } else if (ent.startsWith("#")) {
                            b.appendCodePoint(Integer.parseInt(ent.substring(1)));
                        } else {
                            b.append(s, i, semi + 1);
                        }
                    } catch (IllegalArgumentException e) {
                        b.append(s, i, semi + 1);
                    }
                }
            }
            i = semi + 1;
        }
        return b.toString();
    }

    private static IllegalArgumentException bad(int at, String what) {
        return new IllegalArgumentException("malformed XML at offset " + at + ": " + what);
    }
}
