package io.mysqlha.decide.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The pure layers of the LVS agent import java.base and each other only (model.lvs never decide). */
class LvsLayerImportsTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)\\.(\\w+|\\*)\\s*;", Pattern.MULTILINE);

    @Test
    void modelAndDecideUseJavaBaseOnly() throws IOException {
        Set<String> javaBase = ModuleLayer.boot().findModule("java.base").orElseThrow().getPackages();
        Path root = Path.of(System.getProperty("mysqlha.basedir", "."), "src/main/java/io/mysqlha");
        List<String> offences = new ArrayList<>();
        int files = 0;
        for (String layer : List.of("model/lvs", "decide/lvs")) {
            try (Stream<Path> sources = Files.list(root.resolve(layer))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    Matcher m = IMPORT.matcher(Files.readString(source));
                    while (m.find()) {
                        String pkg = m.group(1) != null ? m.group(2).replaceAll("\\.\\w+$", "") : m.group(2);
                        boolean ok = javaBase.contains(pkg) || pkg.equals("io.mysqlha.model.lvs")
                                || (layer.equals("decide/lvs") && pkg.equals("io.mysqlha.decide.lvs"));
                        if (!ok) {
                            offences.add(root.relativize(source) + " imports " + m.group(2) + "." + m.group(3));
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "found only " + files + " sources under " + root);
        assertEquals(List.of(), offences);
    }
}
