package io.mysqlha.rt;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts as the agent asking for an operator, and the verdict on operator actions without --operator. */
class SelfHealingCheckTest {
    @Test
    void refusalsThatStayUntilSomeoneActsAskForAnOperator() {
        assertTrue(Healer.asksForOperator("refusing to rejoin: this node has transactions the primary node2 lacks: 0-1-5"));
        assertTrue(Healer.asksForOperator("held out: 4 unclean ends in 300 s; check it, then run ..."));
        assertTrue(Healer.asksForOperator("fence file /var/lib/mysqlha/mysql/master-info is corrupt (x); ... run 'mysqlha rejoin' ..."));
        assertTrue(Healer.asksForOperator("this node has transactions it lacks ... Rebuild this node from the primary"));
    }

    @Test
    void whatTheAgentRetriesByItselfDoesNot() {
        assertFalse(Healer.asksForOperator("cannot rejoin yet: the server ended uncleanly, and the primary node2 "
                + "(10.0.0.12:3306) cannot be reached to check that this node holds nothing it lacks: timeout"));
        assertFalse(Healer.asksForOperator("promotion refused: no quorum"));
        assertFalse(Healer.asksForOperator(""));
        assertFalse(Healer.asksForOperator(null));
    }

    @Test
    void healedAloneIsValid() {
        Verdict v = Checkers.healsWithoutOperator(List.of(), List.of(), Map.of());
        assertEquals(Verdict.Status.VALID, v.status());
        assertEquals("healed with no operator action", v.evidence());
    }

    @Test
    void actionsAfterARefusalAreValidAndCounted() {
        Verdict v = Checkers.healsWithoutOperator(List.of("rebuilt node1 from node2 (refusing to rejoin: x): ok",
                "crm_resource --cleanup (stopped instances)"), List.of(), Map.of("node1", "refusing to rejoin: x"));
        assertEquals(Verdict.Status.VALID, v.status());
        assertTrue(v.evidence().startsWith("2 operator action(s), each after a refusal"), v.evidence());
    }

    @Test
    void anOperatorNeededWithoutARefusalIsInvalid() {
        Verdict v = Checkers.healsWithoutOperator(List.of("crm_resource --cleanup (stopped instances)"),
                List.of("crm_resource --cleanup (stopped instances) after 90 s without a refusal: [db not running on node1]"),
                Map.of());
        assertEquals(Verdict.Status.INVALID, v.status());
        assertTrue(v.evidence().contains("without a refusal"), v.evidence());
    }
}
