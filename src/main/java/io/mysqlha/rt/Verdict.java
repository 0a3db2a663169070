package io.mysqlha.rt;

import java.util.Map;

/** A checker's answer: valid, invalid, or unknown (it could not tell), with the evidence that decided it. */
public record Verdict(String checker, Status status, String evidence, Map<String, Object> data) {
    public enum Status { VALID, INVALID, UNKNOWN }

    public static Verdict valid(String checker, String evidence, Map<String, Object> data) {
        return new Verdict(checker, Status.VALID, evidence, data);
    }

    public static Verdict invalid(String checker, String evidence, Map<String, Object> data) {
        return new Verdict(checker, Status.INVALID, evidence, data);
    }

    public static Verdict unknown(String checker, String evidence) {
        return new Verdict(checker, Status.UNKNOWN, evidence, Map.of());
    }

    @Override
    public String toString() {
        return checker + ": " + status.name().toLowerCase() + " (" + evidence + ")";
    }
}
