package io.mysqlha.binlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The decoders of the event types the log-compensation code needs, one per type. */
final class Decoders {
    private Decoders() {
    }

    /** ROTATE: u64 position, then the next file's name up to the end of the body. */
    static final class RotateDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            long position = body.u64();
            return new Rotate(position, new String(body.rest(), StandardCharsets.ISO_8859_1));
        }
    }

    /** XID: the u64 transaction id. */
    static final class XidDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            return new Xid(body.u64());
        }
    }

    /**
     * MariaDB GTID: u64 seq_no, u32 domain_id, u8 flags, then the u64 commit id when the group-commit flag
     * is set. XA ids and extra flags may follow; they are not needed here.
     */
    static final class MariadbGtidDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            long seqNo = body.u64();
            long domainId = body.u32();
            int flags = body.u8();
            OptionalLong commitId = (flags & MariadbGtid.FL_GROUP_COMMIT_ID) != 0
                    ? OptionalLong.of(body.u64()) : OptionalLong.empty();
            return new MariadbGtid(seqNo, domainId, flags, commitId);
        }
    }

    /** MariaDB GTID_LIST: u32 whose low 28 bits count the entries (high 4: flags), then domain, server, seq. */
    static final class MariadbGtidListDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            long word = body.u32();
            int count = (int) (word & 0x0fffffff);
            if (count > body.remaining() / 16) {
                throw new ByteReader.Short("GTID list claims " + count + " entries in " + body.remaining() + " bytes");
            }
            List<Gtid> gtids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long domain = body.u32();
                long server = body.u32();
                gtids.add(new Gtid(domain, server, body.u64()));
            }
            return new MariadbGtidList(gtids, (int) (word >>> 28));
        }
    }

    /** MariaDB BINLOG_CHECKPOINT: u32 name length, then the name. */
    static final class BinlogCheckpointDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            long length = body.u32();
            if (length > body.remaining()) {
                throw new ByteReader.Short("checkpoint name of " + length + " bytes in " + body.remaining());
            }
            return new BinlogCheckpoint(new String(body.bytes((int) length), StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * QUERY: post-header thread id u32, exec time u32, db length u8, error code u16, status-variables length
     * u16 (v4); then the status variables, the database name and a NUL, then the statement.
     */
    static final class QueryDecoder implements EventDataDecoder {
        @Override
        public EventData decode(EventHeader header, ByteReader body, FormatDescription format) {
            int postHeader = format == null ? 13 : format.postHeaderLength(EventType.QUERY);
            if (postHeader < 13) {
                postHeader = 13;
            }
            long threadId = body.u32();
            long execTime = body.u32();
            int dbLength = body.u8();
            int errorCode = body.u16();
            int statusLength = body.u16();
            body.skip(postHeader - 13);
            body.skip(statusLength);
            String db = new String(body.bytes(dbLength), StandardCharsets.UTF_8);
            body.skip(1);
            return new Query(threadId, execTime, errorCode, db, body.rest());
        }
    }

    /**
     * FORMAT_DESCRIPTION: u16 binlog version, 50-byte server version, u32 create time, u8 header length, the
     * post-header lengths; on checksum-aware servers then the algorithm byte and 4 checksum bytes. The
     * caller passes the body without those 5 bytes and the algorithm separately.
     */
    static FormatDescription formatDescription(ByteReader body, ChecksumAlgorithm checksum) {
        int version = body.u16();
        String serverVersion = body.fixedString(50);
        long created = body.u32();
        int headerLength = body.u8();
        return new FormatDescription(version, serverVersion, created, headerLength, body.rest(), checksum);
    }

    /**
     * Whether a server of this version writes the checksum algorithm byte (and a checksum) in its format
     * description: MySQL from 5.6.1, MariaDB from 5.3. Only the leading numbers of the version are used.
     */
    static boolean isChecksumAware(String serverVersion) {
        int[] v = new int[3];
        int part = 0;
        int i = 0;
        while (i < serverVersion.length() && part < 3) {
            char c = serverVersion.charAt(i++);
            if (c >= '0' && c <= '9') {
                v[part] = v[part] * 10 + (c - '0');
            } else if (c == '.') {
                part++;
            } else {
                break;
            }
        }
        int n = v[0] * 10000 + v[1] * 100 + v[2];
        return n >= 50601 || (serverVersion.contains("MariaDB") && n >= 50300);
    }
}
