package io.mysqlha.failover;

import io.mysqlha.model.BinlogCoordinates;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PromotionRecordTest {
    @Test
    void roundTrips() {
        PromotionRecord r = new PromotionRecord("n2@1", "n2", "filepos", BinlogCoordinates.parse("bin.000004:5427433"),
                BinlogCoordinates.parse("bin.000004:358"), "0-1-46,1-2-3")
                .withSalvage(BinlogCoordinates.parse("bin.000004:5429527"), BinlogCoordinates.parse("bin.000004:2781"));
        assertEquals(r, PromotionRecord.parse(r.format()));
        PromotionRecord g = new PromotionRecord("n3@2", "n3", "gtid", null, null, "0-1-9");
        PromotionRecord back = PromotionRecord.parse(g.format());
        assertEquals(g, back);
        assertNull(back.oldEnd());
        assertThrows(IllegalArgumentException.class, () -> PromotionRecord.parse("epoch=3"));
    }

    @Test
    void jsonLinesEscapeWhatTheyMust() {
        String s = new JsonLine().put("step", "diff").put("n", 3).put("ok", true).put("skip", null)
                .put("detail", "a \"q\" \\ \n\t\u0001").toString();
        assertEquals("{\"step\":\"diff\",\"n\":3,\"ok\":true,\"detail\":\"a \\\"q\\\" \\\\ \\n\\t\\u0001\"}", s);
    }
}
