package io.mysqlha.ocf;

/** Parameter content types of the OCF resource-agent API. */
public enum ParamType {
    STRING("string"), INTEGER("integer"), BOOLEAN("boolean"), TIME("time");

    private final String xml;

    ParamType(String xml) {
        this.xml = xml;
    }

    public String xml() {
        return xml;
    }
}
