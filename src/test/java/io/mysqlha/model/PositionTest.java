package io.mysqlha.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PositionTest {

    @Test
    void mariaComparesPerDomainAcrossAllDomains() {
        MariaGtidPos a = MariaGtidPos.parse("0-1-100,1-2-50");
        assertEquals(Order.EQUAL, a.compareTo(MariaGtidPos.parse("1-2-50, 0-1-100")));
        assertEquals(Order.AHEAD, a.compareTo(MariaGtidPos.parse("0-1-99,1-2-50")));
        assertEquals(Order.AHEAD, a.compareTo(MariaGtidPos.parse("0-1-100")), "a domain the other lacks");
        assertEquals(Order.BEHIND, a.compareTo(MariaGtidPos.parse("0-1-100,1-2-51")));
        // the stock agent looks at one seq_no only: here domain 1 is behind although domain 0 is ahead
        assertEquals(Order.DIVERGED, a.compareTo(MariaGtidPos.parse("0-1-90,1-2-60")));
        assertEquals(Order.BEHIND, MariaGtidPos.EMPTY.compareTo(a));
        assertEquals(Order.EQUAL, MariaGtidPos.EMPTY.compareTo(MariaGtidPos.parse("")));
    }

    @Test
    void sameSeqFromTwoServersIsDivergence() {
        assertEquals(Order.DIVERGED, MariaGtidPos.parse("0-1-11").compareTo(MariaGtidPos.parse("0-3-11")));
    }

    @Test
    void mariaBinlogStateKeepsHighestPerDomain() {
        MariaGtidPos p = MariaGtidPos.parse("0-1-5,0-2-9,0-3-7");
        assertEquals(9, p.seq(0));
        assertEquals("0-2-9", p.text());
    }

    @Test
    void mariaMaxAndDistance() {
        MariaGtidPos a = MariaGtidPos.parse("0-1-10,2-1-3");
        MariaGtidPos b = MariaGtidPos.parse("0-2-12,1-1-4");
        assertEquals(MariaGtidPos.parse("0-2-12,1-1-4,2-1-3"), a.max(b));
        assertEquals(4, a.distanceAhead(MariaGtidPos.parse("0-1-9")), "1 in domain 0, 3 in domain 2");
        assertEquals(0, a.distanceAhead(b.max(a)));
    }

    @Test
    void mariaRejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> MariaGtidPos.parse("0-1"));
        assertThrows(IllegalArgumentException.class, () -> MariaGtidPos.parse("a-b-c"));
    }

    @Test
    void mysqlSetInclusion() {
        String u1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        String u2 = "8f1c2a3e-71ca-11e1-9e33-c80aa9429562";
        MysqlGtidSet a = MysqlGtidSet.parse(u1 + ":1-10:12-20," + u2 + ":1-3");
        assertEquals(22, a.count());
        assertEquals(Order.EQUAL, a.compareTo(MysqlGtidSet.parse(u2 + ":1-3,\n" + u1.toUpperCase() + ":1-5:6-10:12-20")));
        assertEquals(Order.AHEAD, a.compareTo(MysqlGtidSet.parse(u1 + ":1-10")));
        assertEquals(Order.BEHIND, a.compareTo(MysqlGtidSet.parse(u1 + ":1-20," + u2 + ":1-3")));
        assertEquals(Order.DIVERGED, a.compareTo(MysqlGtidSet.parse(u1 + ":1-11")), "has 11, lacks 12-20");
        assertEquals(u1 + ":1-10:12-20," + u2 + ":1-3", a.text());
    }

    @Test
    void mysqlTaggedGtids() {
        String u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        MysqlGtidSet a = MysqlGtidSet.parse(u + ":1-5:batch:1-2");
        assertEquals(7, a.count());
        assertFalse(MysqlGtidSet.parse(u + ":1-5").containsAll(a));
    }

    @Test
    void coordinatesCompareByFileIndexThenOffset() {
        BinlogCoordinates a = BinlogCoordinates.parse("mysql-bin.000009:500");
        assertEquals(Order.BEHIND, a.compareTo((Position) BinlogCoordinates.parse("mysql-bin.000010:4")));
        assertEquals(Order.AHEAD, a.compareTo((Position) new BinlogCoordinates("mysql-bin.000009", 120)));
        assertEquals(Order.DIVERGED, a.compareTo((Position) new BinlogCoordinates("other.000009", 500)));
        assertEquals("mysql-bin", a.baseName());
        assertEquals(9, a.fileIndex());
    }

    @Test
    void parseAnyKind() {
        assertInstanceOf(BinlogCoordinates.class, Position.parse("mysql-bin.000002:1064"));
        assertInstanceOf(MariaGtidPos.class, Position.parse("0-1-5"));
        assertInstanceOf(MysqlGtidSet.class, Position.parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"));
        assertTrue(Position.parse("").isEmpty());
    }

    @Test
    void orderHelpers() {
        assertTrue(Order.AHEAD.covers());
        assertTrue(Order.EQUAL.covers());
        assertFalse(Order.DIVERGED.covers());
        assertEquals(Order.BEHIND, Order.AHEAD.reverse());
    }
}
