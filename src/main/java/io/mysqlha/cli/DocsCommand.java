package io.mysqlha.cli;

import io.mysqlha.ocf.ParamSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code mysqlha params-table AGENT}: the README's parameter table, from the same specs as meta-data. */
@Command(name = "params-table", description = "Print an agent's parameters as a Markdown table (as in the README).")
public final class DocsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "agent name")
    String agent;

    @Override
    public Integer call() {
        Agents.Kind k = Agents.kind(agent);
        if (k == null) {
            System.err.println("unknown agent '" + agent + "' (known: " + Agents.names() + ")");
            return 2;
        }
        System.out.print(table(k.params()));
        return 0;
    }

    static String table(List<ParamSpec> params) {
        StringBuilder b = new StringBuilder("| parameter | default | description |\n|---|---|---|\n");
        for (ParamSpec p : params) {
            String def = p.defaultValue() == null || p.defaultValue().isEmpty() ? "" : "`" + p.defaultValue() + "`";
            b.append("| `").append(p.name()).append('`').append(p.required() ? " (required)" : "").append(" | ")
                    .append(def).append(" | ").append(p.longdesc().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
