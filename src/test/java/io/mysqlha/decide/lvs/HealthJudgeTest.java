package io.mysqlha.decide.lvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mysqlha.decide.lvs.ClusterSnapshot.MysqlRole;
import io.mysqlha.decide.lvs.ClusterSnapshot.NodeFacts;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthJudgeTest {
    static HealthJudge.Judgement judge(NodeFacts f) {
        return HealthJudge.judge("node2", f, "db", 60);
    }

    static NodeFacts replica(String readable, String lag) {
        return new NodeFacts(true, MysqlRole.REPLICA, readable, lag);
    }

    @Test
    void aReadableReplicaUnderTheLagBoundIsReadable() {
        HealthJudge.Judgement j = judge(replica("1", "3"));
        assertEquals(Health.READABLE, j.health());
        assertFalse(j.primary());
        assertEquals("node2: readable, lag 3 s", j.why());
        assertEquals(Health.READABLE, judge(replica("1", "60")).health());
    }

    @Test
    void lagAboveThePoolsBoundIsUnreadable() {
        HealthJudge.Judgement j = judge(replica("1", "61"));
        assertEquals(Health.UNREADABLE, j.health());
        assertEquals("node2: db-lag 61 > max_lag 60", j.why());
    }

    @Test
    void readableWithAnUnknownLagIsNotBelieved() {
        assertEquals(Health.UNREADABLE, judge(replica("1", "-1")).health());
        assertEquals(Health.UNREADABLE, judge(replica("1", null)).health());
        assertEquals("node2: db-readable=1 but db-lag 'x'", judge(replica("1", "x")).why());
    }

    @Test
    void missingOrZeroReadableIsUnreadable() {
        assertEquals("node2: no db-readable attribute", judge(replica(null, "0")).why());
        assertEquals(Health.UNREADABLE, judge(replica(null, "0")).health());
        assertEquals(Health.UNREADABLE, judge(replica("0", "0")).health());
        assertEquals(Health.UNREADABLE, judge(replica("yes", "0")).health());
    }

    @Test
    void staleAttributesDoNotCount() {
        // a node out of the partition, or whose mysql is stopped or failed, is down whatever it last published
        assertEquals(Health.DOWN, judge(new NodeFacts(false, MysqlRole.REPLICA, "1", "0")).health());
        assertEquals(Health.DOWN, judge(new NodeFacts(true, MysqlRole.STOPPED, "1", "0")).health());
        assertEquals(Health.DOWN, judge(new NodeFacts(true, MysqlRole.FAILED, "1", "0")).health());
        assertEquals(Health.DOWN, judge(NodeFacts.ABSENT).health());
        assertEquals("node2 offline or not in this partition", judge(NodeFacts.ABSENT).why());
    }

    @Test
    void thePrimaryIsReadableAsPrimaryWhateverItPublishes() {
        // the mysql monitor publishes readable=0 lag=-1 on the primary
        HealthJudge.Judgement j = judge(new NodeFacts(true, MysqlRole.PRIMARY, "0", "-1"));
        assertEquals(Health.READABLE, j.health());
        assertTrue(j.primary());
    }

    @Test
    void withoutRolesTheAttributesDecide() {
        assertEquals(Health.READABLE, judge(new NodeFacts(true, MysqlRole.UNKNOWN, "1", "0")).health());
        assertEquals(Health.UNREADABLE, judge(new NodeFacts(true, MysqlRole.UNKNOWN, "0", "0")).health());
    }

    @Test
    void snapshotAnswersAbsentForNodesItDoesNotMention() {
        ClusterSnapshot s = new ClusterSnapshot("test", true, Map.of("node1", replica("1", "0")));
        assertEquals(NodeFacts.ABSENT, s.facts("node9"));
        assertEquals(replica("1", "0"), s.facts("node1"));
    }
}
