package io.mysqlha.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * Every file/position compensation scenario of {@link FilePosCompensationIT} against servers that require
 * TLS: the differential relay logs are applied with the client (mariadb --binary-mode) over verified TLS,
 * through its option file, and the replicas repoint at coordinates with MASTER_SSL.
 */
class FilePosCompensationTlsIT extends FilePosCompensationIT {
    @BeforeAll
    static void setUp() throws Exception {
        withTls = true;
        try {
            FilePosCompensationIT.setUp();
        } finally {
            withTls = false;
        }
    }
}
