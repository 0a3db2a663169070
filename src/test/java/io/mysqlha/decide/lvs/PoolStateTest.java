package io.mysqlha.decide.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.model.lvs.Endpoint;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoolStateTest {
    @Test
    void formatsAndParsesBack() {
        PoolState s = new PoolState(Map.of("node2", 1, "node1", 3),
                Map.of(Endpoint.parse("10.0.0.12:3306"), Instant.parse("2024-05-01T12:00:00Z"),
                        Endpoint.parse("[2001:db8::2]:3306"), Instant.parse("2024-05-01T12:00:01.5Z")));
        String text = s.format();
        assertEquals("""
                # mysqlha lvs pool state v1
                streak node1 3
                streak node2 1
                drain 10.0.0.12:3306 2024-05-01T12:00:00Z
                drain [2001:db8::2]:3306 2024-05-01T12:00:01.500Z
                """, text);
        assertEquals(s, PoolState.parse(text));
        assertEquals(PoolState.EMPTY, PoolState.parse(PoolState.EMPTY.format()));
        assertEquals(PoolState.EMPTY, PoolState.parse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"streak node1", "streak node1 x", "streak node1 -1", "drain 10.0.0.12 2024-05-01T12:00:00Z",
            "drain 10.0.0.12:3306 yesterday", "weight node1 3", "streak node1 3 4"})
    void refusesBadLines(String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PoolState.parse("# mysqlha lvs pool state v1\n" + line + "\n"));
        assertTrue(e.getMessage().startsWith("pool state line 2: '" + line + "'"), e.getMessage());
    }

    @Test
    void negativeStreakRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PoolState(Map.of("node1", -1), Map.of()));
    }
}
