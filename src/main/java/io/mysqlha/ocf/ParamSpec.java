package io.mysqlha.ocf;

/**
 * One agent parameter: the single source for meta-data, parsing and validation, and the README table.
 *
 * @param name        parameter name ({@code OCF_RESKEY_<name>})
 * @param shortdesc   one line
 * @param longdesc    full description
 * @param type        content type
 * @param defaultValue default, or null when required / none
 * @param required    whether the parameter must be given
 * @param unique      whether two resources must not share its value
 */
public record ParamSpec(String name, String shortdesc, String longdesc, ParamType type, String defaultValue,
                        boolean required, boolean unique) {

    public static ParamSpec string(String name, String def, String shortdesc, String longdesc) {
        return new ParamSpec(name, shortdesc, longdesc, ParamType.STRING, def, false, false);
    }

    public static ParamSpec integer(String name, long def, String shortdesc, String longdesc) {
        return new ParamSpec(name, shortdesc, longdesc, ParamType.INTEGER, Long.toString(def), false, false);
    }

    public static ParamSpec bool(String name, boolean def, String shortdesc, String longdesc) {
        return new ParamSpec(name, shortdesc, longdesc, ParamType.BOOLEAN, Boolean.toString(def), false, false);
    }

    public ParamSpec asRequired() {
        return new ParamSpec(name, shortdesc, longdesc, type, defaultValue, true, unique);
    }

    public ParamSpec asUnique() {
        return new ParamSpec(name, shortdesc, longdesc, type, defaultValue, required, true);
    }
}
