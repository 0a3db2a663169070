package io.mysqlha.port;

import java.util.Optional;

/** Small durable files of one resource on this node (under {@code state_dir/<resource>/}). */
public interface LocalState {
    /** The content of a state file, empty when it does not exist. Throws on I/O errors. */
    Optional<String> read(String name);

    /** Replaces a state file atomically and durably: temp file, fsync, rename, fsync of the directory. */
    void write(String name, String content);

    /** Removes a state file if present. */
    void delete(String name);

    /** The absolute path of a state file, for messages. */
    String path(String name);
}
