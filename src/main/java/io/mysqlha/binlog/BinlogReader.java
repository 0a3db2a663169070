package io.mysqlha.binlog;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads binlog v4 and relay-log files event by event: checks the magic, decodes the common header, decodes
 * the event types the failover code needs and keeps every event's exact bytes. When the format description
 * in force announces CRC32, every event's checksum is verified.
 *
 * <p>Checksums follow the file's own format descriptions: in a relay log the replica's description and
 * the primary's copy can announce different algorithms, and each governs the events after it.
 *
 * <p>Not thread-safe. Every problem is a {@link BinlogFormatException} naming the file and offset.
 */
public final class BinlogReader implements Closeable {
    /** The four bytes every binlog and relay-log file starts with. */
    public static final byte[] MAGIC = {(byte) 0xfe, 'b', 'i', 'n'};
    /**
     * Largest event accepted. The server caps events at max_allowed_packet (at most 1 GiB); anything
     * bigger is a corrupt size field, refused before allocating it.
     */
    static final long MAX_EVENT_SIZE = (1L << 30) + 65536;

    private static final Map<Integer, EventDataDecoder> DECODERS = Map.of(
            EventType.ROTATE, new Decoders.RotateDecoder(),
            EventType.XID, new Decoders.XidDecoder(),
            EventType.QUERY, new Decoders.QueryDecoder(),
            EventType.MARIADB_GTID, new Decoders.MariadbGtidDecoder(),
            EventType.MARIADB_GTID_LIST, new Decoders.MariadbGtidListDecoder(),
            EventType.MARIADB_BINLOG_CHECKPOINT, new Decoders.BinlogCheckpointDecoder());

    private final InputStream in;
    private final String source;
    private final long length;
    private final boolean verifyChecksums;
    private long offset;
    private boolean started;
    private FormatDescription format;
    private final CRC32 crc = new CRC32();

    /**
     * @param in     the stream, positioned at the magic
     * @param source the name used in error messages (normally the file path)
     */
    public BinlogReader(InputStream in, String source) {
        this(in, source, -1, true);
    }

    private BinlogReader(InputStream in, String source, long length, boolean verifyChecksums) {
        this.in = in;
        this.source = source;
        this.length = length;
        this.verifyChecksums = verifyChecksums;
    }

    /** Opens a file for reading, checksums verified. */
    public static BinlogReader open(Path file) throws IOException {
        return open(file, true);
    }

    /**
     * Opens a file for reading.
     *
     * @param verifyChecksums false to skip CRC32 verification (reading a file known to be intact faster)
     */
    public static BinlogReader open(Path file, boolean verifyChecksums) throws IOException {
        long size = Files.size(file);
        return new BinlogReader(new BufferedInputStream(Files.newInputStream(file), 65536), file.toString(), size,
                verifyChecksums);
    }

    /** Reads every event of a file: for tests and small files. */
    public static List<BinlogEvent> readAll(Path file) throws IOException {
        List<BinlogEvent> events = new ArrayList<>();
        try (BinlogReader r = open(file)) {
            for (BinlogEvent e = r.next(); e != null; e = r.next()) {
                events.add(e);
            }
        }
        return events;
    }

    /** The name used in error messages. */
    public String source() {
        return source;
    }

    /** Offset of the next event to read. */
    public long position() {
        return offset;
    }

    /** The last format description read, or null before the first. */
    public FormatDescription formatDescription() {
        return format;
    }

    /**
     * Reads the next event.
     *
     * @return the event, or null at the end of the file (which must fall on an event boundary)
     * @throws BinlogFormatException on bad magic, a truncated or corrupt event, a checksum mismatch
     */
    public BinlogEvent next() throws IOException {
        if (!started) {
            readMagic();
        }
        long at = offset;
        byte[] head = in.readNBytes(EventHeader.LENGTH);
        if (head.length == 0) {
            return null;
        }
        if (head.length < EventHeader.LENGTH) {
            throw new BinlogFormatException(source, at, "truncated event header: file ends after "
                    + head.length + " of " + EventHeader.LENGTH + " bytes");
        }
        EventHeader header = new EventHeader(ByteReader.u32At(head, 0), head[4] & 0xff, ByteReader.u32At(head, 5),
                ByteReader.u32At(head, 9), ByteReader.u32At(head, 13), (head[17] & 0xff) | (head[18] & 0xff) << 8);
        long size = header.eventSize();
        if (size < EventHeader.LENGTH || size > MAX_EVENT_SIZE) {
            throw new BinlogFormatException(source, at, "corrupt event header: event size " + size
                    + " (type " + header.typeName() + ", log_pos " + header.logPos() + ")");
        }
        if (length >= 0 && at + size > length) {
            throw new BinlogFormatException(source, at, "truncated " + header.typeName() + " event: its size is "
                    + size + " bytes but the file ends after " + (length - at));
        }
        byte[] raw = new byte[(int) size];
        System.arraycopy(head, 0, raw, 0, EventHeader.LENGTH);
        int got = in.readNBytes(raw, EventHeader.LENGTH, raw.length - EventHeader.LENGTH);
        if (got < raw.length - EventHeader.LENGTH) {
            throw new BinlogFormatException(source, at, "truncated " + header.typeName() + " event: its size is "
                    + size + " bytes but the file ends after " + (EventHeader.LENGTH + got));
        }
        offset = at + size;

        ChecksumAlgorithm checksum;
        EventData data;
        if (header.type() == EventType.FORMAT_DESCRIPTION) {
            FormatDescription fd = readFormatDescription(header, raw, at);
            checksum = fd.checksum();
            data = fd;
        } else {
            checksum = format == null ? ChecksumAlgorithm.OFF : format.checksum();
            int bodyEnd = raw.length - checksum.trailerLength();
            if (bodyEnd < EventHeader.LENGTH) {
                throw new BinlogFormatException(source, at, header.typeName() + " event of " + size
                        + " bytes is too short to hold a checksum");
            }
            if (checksum == ChecksumAlgorithm.CRC32) {
                verify(raw, at, header);
            }
            if (header.type() == EventType.MARIADB_START_ENCRYPTION) {
                throw new BinlogFormatException(source, at, "encrypted binlog (START_ENCRYPTION event): "
                        + "encrypt_binlog is not supported by this reader");
            }
            data = decode(header, raw, bodyEnd, at);
        }
        return new BinlogEvent(header, data, raw, source, at, checksum);
    }

    private void readMagic() throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new BinlogFormatException(source, 0, "not a binlog file: the first bytes are not the binlog "
                    + "magic FE 62 69 6E");
        }
        offset = MAGIC.length;
        started = true;
    }

    private FormatDescription readFormatDescription(EventHeader header, byte[] raw, long at)
            throws BinlogFormatException {
        // the version string decides whether the algorithm byte + 4 checksum bytes end the event
        if (raw.length < EventHeader.LENGTH + 2 + 50) {
            throw new BinlogFormatException(source, at, "FORMAT_DESCRIPTION event of " + raw.length
                    + " bytes is too short");
        }
        String version = new ByteReader(raw, EventHeader.LENGTH + 2, EventHeader.LENGTH + 52).fixedString(50);
        ChecksumAlgorithm checksum = ChecksumAlgorithm.UNDEFINED;
        int bodyEnd = raw.length;
        if (Decoders.isChecksumAware(version)) {
            int code = raw[raw.length - 5] & 0xff;
            checksum = ChecksumAlgorithm.ofCode(code);
            if (checksum == null) {
                throw new BinlogFormatException(source, at, "FORMAT_DESCRIPTION announces unknown checksum "
                        + "algorithm " + code);
            }
            bodyEnd = raw.length - 5;
            // A checksum-aware server always writes a CRC in its format description: MariaDB computes it even
            // with binlog_checksum=NONE. A zero there (MySQL's "none") is not checked.
            long stored = ByteReader.u32At(raw, raw.length - 4);
            if (checksum == ChecksumAlgorithm.CRC32 || stored != 0) {
                verify(raw, at, header);
            }
        }
        FormatDescription fd;
        try {
            fd = Decoders.formatDescription(new ByteReader(raw, EventHeader.LENGTH, bodyEnd), checksum);
        } catch (ByteReader.Short e) {
            throw new BinlogFormatException(source, at, "cannot decode FORMAT_DESCRIPTION event: " + e.getMessage());
        }
        if (fd.binlogVersion() != 4) {
            throw new BinlogFormatException(source, at, "binlog version " + fd.binlogVersion()
                    + " is not supported (only v4)");
        }
        if (fd.headerLength() != EventHeader.LENGTH) {
            throw new BinlogFormatException(source, at, "event header length " + fd.headerLength()
                    + " is not supported (only " + EventHeader.LENGTH + ")");
        }
        format = fd;
        return fd;
    }

    private void verify(byte[] raw, long at, EventHeader header) throws BinlogFormatException {
        if (!verifyChecksums) {
            return;
        }
        crc.reset();
        if (header.type() == EventType.FORMAT_DESCRIPTION && (raw[17] & EventHeader.FLAG_BINLOG_IN_USE) != 0) {
            // the server sets "in use" in the open binlog's FDE after computing its CRC, and clears it in
            // place on close: the CRC covers the flags without it
            crc.update(raw, 0, 17);
            crc.update(raw[17] & ~EventHeader.FLAG_BINLOG_IN_USE);
            crc.update(raw, 18, raw.length - 4 - 18);
        } else {
            crc.update(raw, 0, raw.length - 4);
        }
        long expected = ByteReader.u32At(raw, raw.length - 4);
        if (crc.getValue() != expected) {
            throw new BinlogFormatException(source, at, "checksum mismatch in " + header.typeName() + " event of "
                    + raw.length + " bytes: stored CRC32 0x" + Long.toHexString(expected) + ", computed 0x"
                    + Long.toHexString(crc.getValue()));
        }
    }

    private EventData decode(EventHeader header, byte[] raw, int bodyEnd, long at) throws BinlogFormatException {
        EventDataDecoder decoder = DECODERS.get(header.type());
        if (decoder == null) {
            return Unparsed.INSTANCE;
        }
        try {
            return decoder.decode(header, new ByteReader(raw, EventHeader.LENGTH, bodyEnd), format);
        } catch (ByteReader.Short e) {
            throw new BinlogFormatException(source, at, "cannot decode " + header.typeName() + " event: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
