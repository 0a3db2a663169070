package io.mysqlha.cli;

import picocli.CommandLine.Command;

import java.io.InputStream;
import java.util.concurrent.Callable;

/** Prints the recorded AppCDS class list shipped in the jar (used by ra/mysqlha-cds). */
@Command(name = "cds-classlist", hidden = true, description = "Print the AppCDS class list shipped in the jar.")
public final class CdsClassListCommand implements Callable<Integer> {
    static final String RESOURCE = "/META-INF/mysqlha/cds-classes.lst";

    @Override
    public Integer call() throws Exception {
        try (InputStream in = CdsClassListCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                System.err.println("no class list in the jar");
                return 1;
            }
            in.transferTo(System.out);
            System.out.flush();
            return 0;
        }
    }
}
