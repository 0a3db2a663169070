package io.mysqlha.adapter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mysqlha.ocf.OcfException;
import io.mysqlha.ocf.OcfExit;
import io.mysqlha.port.Credential;
import io.mysqlha.port.Credentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the credentials file: {@code {"admin": {"user": .., "password": ..}, "replication": {..},
 * "monitor": {..}}}. It must be a regular file owned by root with no access for group or others, so
 * that the passwords never leave it (they are never put on a command line, in the CIB or in a log).
 */
public final class CredentialsFile {
    private CredentialsFile() {}

    /** Checks ownership and mode, then parses. Failures name the file and say what to fix. */
    public static Credentials load(Path file) {
        String where = "credentials_file " + file;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.exists(file)) {
                    throw new OcfException(OcfExit.ERR_CONFIGURED, where + " does not exist");
                }
                throw new OcfException(OcfExit.ERR_CONFIGURED, where + " is not a regular file");
            }
            Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!Integer.valueOf(0).equals(uid)) {
                throw new OcfException(OcfExit.ERR_PERM, where + " must be owned by root (uid " + uid + ")");
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                    throw new OcfException(OcfExit.ERR_PERM, where + " is too open: mode must be 0600 (chmod 600 "
                            + file + ")");
                }
            }
            return parse(Files.readAllBytes(file), where);
        } catch (NoSuchFileException e) {
            throw new OcfException(OcfExit.ERR_CONFIGURED, where + " does not exist");
        } catch (IOException e) {
            throw new OcfException(OcfExit.ERR_PERM, where + " is unreadable: " + e.getMessage());
        }
    }

    static Credentials parse(byte[] json, String where) {
        Map<String, Map<String, String>> accounts = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, where);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String account = p.getCurrentName();
                expect(p.nextToken(), JsonToken.START_OBJECT, where + ": \"" + account + "\"");
                Map<String, String> fields = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.getCurrentName();
                    JsonToken t = p.nextToken();
                    if (t != JsonToken.VALUE_STRING) {
                        throw new OcfException(OcfExit.ERR_CONFIGURED,
                                where + ": \"" + account + "." + k + "\" must be a string");
                    }
                    fields.put(k, p.getText());
                }
                accounts.put(account, fields);
            }
        } catch (IOException e) {
            // the parser's message may quote file content: do not repeat it
            throw new OcfException(OcfExit.ERR_CONFIGURED, where + " is not valid JSON (line "
                    + lineOf(e) + ")");
        }
        return new Credentials(account(accounts, "admin", where), account(accounts, "replication", where),
                account(accounts, "monitor", where));
    }

    private static String lineOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            return Integer.toString(j.getLocation().getLineNr());
        }
        return "?";
    }

    private static void expect(JsonToken got, JsonToken want, String where) {
        if (got != want) {
            throw new OcfException(OcfExit.ERR_CONFIGURED, where + ": expected a JSON object");
        }
    }

    private static Credential account(Map<String, Map<String, String>> accounts, String name, String where) {
        Map<String, String> a = accounts.get(name);
        if (a == null) {
            throw new OcfException(OcfExit.ERR_CONFIGURED, where + " has no \"" + name + "\" account");
        }
        String user = a.get("user");
        if (user == null || user.isEmpty()) {
            throw new OcfException(OcfExit.ERR_CONFIGURED, where + ": \"" + name + ".user\" is missing");
        }
        return new Credential(user, a.getOrDefault("password", ""));
    }
}
