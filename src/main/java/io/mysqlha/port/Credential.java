package io.mysqlha.port;

/** A user and password. {@link #toString()} never shows the password. */
public record Credential(String user, String password) {
    @Override
    public String toString() {
        return "Credential[user=" + user + "]";
    }
}
