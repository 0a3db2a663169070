package io.mysqlha.decide;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FencedOutTest {
    static Function<String, Optional<String>> props(Map<String, String> m) {
        return n -> Optional.ofNullable(m.get(n));
    }

    static final List<String> WITHOUT_NODE3 = List.of("node1", "node2");

    @Test
    void aLostOldPrimaryWithFencingOnIsNotWaitedFor() {
        Optional<String> why = FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of("stonith-enabled", "true")));
        assertTrue(why.isPresent());
        assertTrue(why.get().startsWith("node3 is out of this partition"), why.get());
        // Pacemaker's default is on: not set counts as on
        assertTrue(FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of())).isPresent());
        assertTrue(FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of("stonith-enabled", "Yes",
                "startup-fencing", "on"))).isPresent());
    }

    @Test
    void fencingOffMeansTheSqlFenceIsAllThereIs() {
        for (String off : List.of("false", "no", "0", "off", "n", "garbage")) {
            assertFalse(FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of("stonith-enabled", off))).isPresent(), off);
            assertFalse(FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of("fencing-enabled", off))).isPresent(), off);
        }
        assertFalse(FencedOut.oldPrimary("node3", "node1", WITHOUT_NODE3, props(Map.of("startup-fencing", "false"))).isPresent(),
                "a node never seen since start-up is assumed down without a fence");
    }

    @Test
    void anOldPrimaryStillInThePartitionIsAlwaysTried() {
        assertEquals(Optional.empty(), FencedOut.oldPrimary("node3", "node1", List.of("node1", "node2", "node3"), props(Map.of())));
        assertEquals(Optional.empty(), FencedOut.oldPrimary(null, "node1", WITHOUT_NODE3, props(Map.of())), "no master-info");
        assertEquals(Optional.empty(), FencedOut.oldPrimary("node1", "node1", WITHOUT_NODE3, props(Map.of())), "this node");
        assertEquals(Optional.empty(), FencedOut.oldPrimary("node3", "node1", List.of(), props(Map.of())),
                "an empty membership answer proves nothing");
    }
}
