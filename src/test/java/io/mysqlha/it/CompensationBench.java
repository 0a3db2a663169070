package io.mysqlha.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures log compensation on real servers: four mariadbd on loopback, n1 primary, n3 receives everything,
 * n2 and n4 stop receiving at the same point. The primary then writes about {@code --mb} MB of binlog and is
 * killed with SIGKILL; n2 is promoted through {@code ra/mysql} (its compensation time and volume come from its
 * journal), and MHA's {@code apply_diff_relay_logs} (generate, then apply) brings n4 up from the same relay logs
 * of n3, timed on the wall clock. Both targets must end with identical data. Run by
 * {@code test-harness/bench-compensation}; prints one {@code RESULT} line per mode, with only measured figures.
 */
public final class CompensationBench {
    private CompensationBench() {
    }

    /** One measured run: our compensation step, MHA's generate+apply (or NaN), the apply bound (s). */
    record Measure(String mode, double mb, double seconds, double mha, double bound) {
    }

    public static void main(String[] args) throws Exception {
        int mb = 32;
        int runs = 3;
        List<String> modes = new ArrayList<>(List.of("gtid", "filepos"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mb" -> mb = Integer.parseInt(args[++i]);
                case "--mode" -> modes = List.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: [--mb N] [--mode gtid|filepos] [--runs N]");
            }
        }
        Map<String, List<Measure>> all = new java.util.LinkedHashMap<>();
        for (int r = 1; r <= runs; r++) {
            for (String mode : modes) {
                Measure m = run(mode, mb);
                System.out.printf("RUN %d mode=%s mb=%.1f seconds=%.2f mha_seconds=%s apply_bound_seconds=%.2f%n", r,
                        mode, m.mb(), m.seconds(), fmt(m.mha()), m.bound());
                all.computeIfAbsent(mode, k -> new ArrayList<>()).add(m);
            }
        }
        List<String> results = new ArrayList<>();
        for (var e : all.entrySet()) {
            List<Measure> ms = e.getValue();
            double ours = median(ms.stream().mapToDouble(Measure::seconds).toArray());
            double mha = median(ms.stream().mapToDouble(Measure::mha).filter(x -> !Double.isNaN(x)).toArray());
            double bound = median(ms.stream().mapToDouble(Measure::bound).toArray());
            double size = median(ms.stream().mapToDouble(Measure::mb).toArray());
            if (!Double.isNaN(mha)) {
                System.out.printf("RATIO mode=%s mha_seconds/seconds=%.2f seconds/apply_bound_seconds=%.2f%n", e.getKey(),
                        mha / ours, ours / bound);
            } else {
                System.out.printf("RATIO mode=%s seconds/apply_bound_seconds=%.2f%n", e.getKey(), ours / bound);
            }
            results.add(String.format("RESULT mode=%s mb=%.1f runs=%d seconds=%.2f mb_per_s=%.1f mha_seconds=%s "
                    + "apply_bound_seconds=%.2f", e.getKey(), size, ms.size(), ours, size / ours, fmt(mha), bound));
        }
        for (String r : results) {
            System.out.println(r);
        }
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "na" : String.format("%.2f", v);
    }

    /** The median (NaN when empty). */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static Map<String, String> env(String mode, String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("OCF_RESKEY_compensation_mode", mode);
        m.put("OCF_RESKEY_CRM_meta_timeout", "600000");
        m.put("OCF_RESKEY_promote_drain_s", "300");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static void ok(Sandbox.Run r, String what) {
        if (r.rc() != 0) {
            throw new IllegalStateException(what + ": " + r);
        }
    }

    static Measure run(String mode, int mb) throws Exception {
        try (Sandbox sb = new Sandbox("bench-" + mode, "n1", "n2", "n3", "n4", "n5")) {
            for (String n : sb.nodes()) {
                Files.writeString(sb.node(n).resolve("my.cnf"), "relay-log-purge=0\nmax-allowed-packet=64M\n",
                        StandardOpenOption.APPEND);
                sb.agent(n, "monitor", env(mode, "OCF_RESKEY_CRM_meta_interval", "0"));
            }
            for (String n : sb.nodes()) {
                ok(sb.agent(n, "start", env(mode)), "start " + n);
            }
            ok(sb.agent("n1", "promote", env(mode)), "promote n1");
            Map<String, String> at = sb.row("n1", "SHOW MASTER STATUS");
            // n5 measures the bound: the server's own replication applying the same events, with the settings
            // compensation applies with (parallel workers, relaxed durability), set before its threads start
            sb.exec("n5", "STOP SLAVE", "SET GLOBAL slave_parallel_threads=" + PARALLEL,
                    "SET GLOBAL slave_parallel_mode='optimistic'", "SET GLOBAL sync_binlog=0",
                    "SET GLOBAL innodb_flush_log_at_trx_commit=2");
            for (String n : List.of("n2", "n3", "n4", "n5")) {
                // n5 uses coordinates in both modes: its relay log survives stopping its SQL thread
                String gtid = mode.equals("gtid") && !n.equals("n5") ? "gtid" : "filepos";
                sb.exec(n, "STOP SLAVE", "SET GLOBAL gtid_slave_pos=@@gtid_binlog_pos", "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + sb.port("n1")
                        + ", MASTER_USER='mysqlha_repl', MASTER_PASSWORD='repl-pw', MASTER_CONNECT_RETRY=1, "
                        + (gtid.equals("gtid") ? "MASTER_USE_GTID=slave_pos"
                        : "MASTER_USE_GTID=no, MASTER_LOG_FILE='" + at.get("File") + "', MASTER_LOG_POS=" + at.get("Position")),
                        "START SLAVE");
            }
            sb.exec("n1", "CREATE TABLE app.b (id BIGINT PRIMARY KEY, k INT, v VARBINARY(1100))");
            sb.exec("n1", "INSERT INTO app.b VALUES (0, 0, 'start')");
            waitEqual(sb, "n4", "SELECT COUNT(*) FROM app.b", "1");
            waitEqual(sb, "n2", "SELECT COUNT(*) FROM app.b", "1");
            waitEqual(sb, "n5", "SELECT COUNT(*) FROM app.b", "1");
            sb.exec("n2", "STOP SLAVE IO_THREAD");
            sb.exec("n4", "STOP SLAVE IO_THREAD");
            sb.exec("n5", "STOP SLAVE SQL_THREAD");
            Map<String, String> target = sb.row("n2", "SHOW SLAVE STATUS");
            long start = binlogBytes(sb);
            long id = 1;
            System.err.println(mode + ": writing about " + mb + " MB of binlog on n1");
            while (binlogBytes(sb) - start < mb * 1_000_000L) {
                // transactions of 4000 rows, about 330 KB of row events each
                sb.exec("n1", "INSERT INTO app.b SELECT " + id + " + seq, seq, UNHEX(SHA2(RAND(), 512)) "
                        + "FROM app.seq_1_to_4000");
                id += 4000;
            }
            long written = binlogBytes(sb) - start;
            String end = sb.scalar("n1", "SELECT @@gtid_binlog_pos");
            Map<String, String> primaryEnd = sb.row("n1", "SHOW MASTER STATUS");
            long deadlineNs = System.nanoTime() + 600_000_000_000L;
            while (!primaryEnd.get("Position").equals(sb.row("n3", "SHOW SLAVE STATUS").get("Read_Master_Log_Pos"))) {
                if (System.nanoTime() > deadlineNs) {
                    throw new IllegalStateException("n3 never received everything");
                }
                Thread.sleep(200);
            }
            // n3 applies what it received before the primary dies: the benchmark measures compensation, not lag
            waitEqual(sb, "n3", "SELECT @@gtid_current_pos", end);
            while (!primaryEnd.get("Position").equals(sb.row("n5", "SHOW SLAVE STATUS").get("Read_Master_Log_Pos"))) {
                if (System.nanoTime() > deadlineNs) {
                    throw new IllegalStateException("n5 never received everything");
                }
                Thread.sleep(200);
            }
            Sandbox.sh("kill", "-9", Long.toString(sb.pid("n1")));
            while (sb.pid("n1") > 0) {
                Thread.sleep(50);
            }
            ok(sb.agent("n1", "demote", env(mode)), "demote n1");
            ok(sb.agent("n1", "stop", env(mode)), "stop n1");

            // n4 is MHA's: the promotion must not see it (it would compensate it too)
            StringBuilder addrs = new StringBuilder();
            for (String n : List.of("n1", "n2", "n3")) {
                addrs.append(n).append("=127.0.0.1:").append(sb.port(n)).append(' ');
            }
            Sandbox.Run promote = sb.agent("n2", "promote", env(mode, "OCF_RESKEY_node_addresses", addrs.toString().trim(),
                    "OCF_RESKEY_ha_nodes", "n1 n2 n3"));
            ok(promote, "promote n2");
            String journal = Files.readString(sb.node("n2").resolve("state/db/journal.jsonl"));
            long ms = stepMs(journal, mode.equals("gtid") ? "catch-up" : "diff");
            long bytes = mode.equals("gtid") ? written : stepLong(journal, "diff", "bytes");
            String checksum = sb.row("n2", "CHECKSUM TABLE app.b").get("Checksum");
            System.err.println(mode + ": promote " + promote.millis() + " ms, compensation step " + ms + " ms, "
                    + bytes + " bytes");

            String mha = mha(sb, mode, target, checksum);
            double bound = applyBound(sb, checksum);
            return new Measure(mode, bytes / 1e6, ms / 1000.0, mha.equals("na") ? Double.NaN : Double.parseDouble(mha),
                    bound);
        }
    }

    static final int PARALLEL = 4;

    /**
     * The apply bound: n5 received every event (its SQL thread stopped); the time from START SLAVE SQL_THREAD
     * until it applied all of it, checked by the data's checksum.
     */
    static double applyBound(Sandbox sb, String want) throws Exception {
        Map<String, String> st = sb.row("n5", "SHOW SLAVE STATUS");
        String read = st.get("Read_Master_Log_Pos");
        String file = st.get("Master_Log_File");
        long t0 = System.nanoTime();
        sb.exec("n5", "START SLAVE SQL_THREAD");
        long end = t0 + 1_800_000_000_000L;
        while (true) {
            Map<String, String> r = sb.row("n5", "SHOW SLAVE STATUS");
            if (read.equals(r.get("Exec_Master_Log_Pos")) && file.equals(r.get("Relay_Master_Log_File"))) {
                break;
            }
            if (!"Yes".equals(r.get("Slave_SQL_Running")) || System.nanoTime() > end) {
                throw new IllegalStateException("n5's SQL thread did not apply what it received: " + r);
            }
            Thread.sleep(20);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        String got = sb.row("n5", "CHECKSUM TABLE app.b").get("Checksum");
        if (!want.equals(got)) {
            throw new IllegalStateException("n5 differs from n2 after applying (" + got + " vs " + want + ")");
        }
        System.err.println("bound: n5's SQL thread applied the same events in " + String.format("%.2f", s)
                + " s (" + PARALLEL + " workers, optimistic, sync_binlog=0, innodb_flush_log_at_trx_commit=2)");
        return s;
    }

    /** MHA node's apply_diff_relay_logs on n3's relay logs for n4: generate, then apply; wall time, or na. */
    static String mha(Sandbox sb, String mode, Map<String, String> target, String want) throws Exception {
        Path tool = Path.of("/usr/bin/apply_diff_relay_logs");
        if (!Files.isExecutable(tool)) {
            System.err.println("mha: apply_diff_relay_logs not installed (apt-get install mha4mysql-node)");
            return "na";
        }
        Map<String, String> latest = sb.row("n3", "SHOW SLAVE STATUS");
        Path dd = sb.node("n3").resolve("data");
        Path work = sb.root().resolve("mha-work");
        Files.createDirectories(work.resolve("perl5"));
        Path diff = work.resolve("diff.binlog");
        String version = sb.scalar("n4", "SELECT VERSION()").replaceAll("-.*", "");
        String serverId = sb.scalar("n3", "SELECT @@server_id");
        Map<String, String> e = new HashMap<>(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        // MHA 0.58 parses the binlog's server version "10.11.19-MariaDB-0+deb12u1-log" into six numbers and dies
        // ("Redundant argument in sprintf", fatal warnings): run it from a private copy of its modules that keeps
        // the first three. The system package is left as it is.
        Path lib = work.resolve("perl5");
        Sandbox.sh("cp", "-r", "/usr/share/perl5/MHA", lib + "/");
        Path util = lib.resolve("MHA/NodeUtil.pm");
        String src = Files.readString(util);
        String patched = src.replace("sprintf( '%03d%03d%03d', $str =~ m/(\\d+)/g )",
                "sprintf( '%03d%03d%03d', ( ( $str =~ m/(\\d+)/g ), 0, 0, 0 )[0 .. 2] )");
        if (patched.equals(src)) {
            System.err.println("mha: NodeUtil.pm is not the 0.58 one this patch knows");
            return "na";
        }
        Files.writeString(util, patched);
        // ... and reads @@global.super_read_only, which MariaDB does not have: treat it as off
        Path slave = lib.resolve("MHA/SlaveUtil.pm");
        Files.writeString(slave, Files.readString(slave).replace(
                "my $sth = $dbh->prepare(\"SELECT \\@\\@global.super_read_only as Value\");",
                "my $sth = $dbh->prepare(\"SELECT 0 as Value\");"));
        e.put("PERL5LIB", lib.toString());
        System.err.println("mha: apply_diff_relay_logs with MHA/NodeUtil.pm (version parsing) and SlaveUtil.pm (super_read_only) patched in " + lib);
        long t0 = System.nanoTime();
        Sandbox.Run gen = Sandbox.run(e, tool.toString(), "--command=generate", "--target_version=" + version,
                "--latest_mlf=" + latest.get("Master_Log_File"), "--latest_rmlp=" + latest.get("Read_Master_Log_Pos"),
                "--target_mlf=" + target.get("Master_Log_File"), "--target_rmlp=" + target.get("Read_Master_Log_Pos"),
                "--relay_log_info=" + dd.resolve("relay-log.info"), "--relay_dir=" + dd, "--server_id=" + serverId,
                "--diff_file_readtolatest=" + diff, "--workdir=" + work, "--timestamp=bench", "--handle_raw_binlog=1",
                "--disable_log_bin=0");
        if (gen.rc() != 0) {
            System.err.println("mha generate failed: " + gen);
            return "na";
        }
        Sandbox.Run apply = Sandbox.run(e, tool.toString(), "--command=apply", "--target_version=" + version,
                "--slave_user=" + Sandbox.ADMIN, "--slave_pass=" + Sandbox.ADMIN_PW, "--slave_host=127.0.0.1",
                "--slave_ip=127.0.0.1", "--slave_port=" + sb.port("n4"), "--apply_files=" + diff,
                "--workdir=" + work, "--timestamp=bench", "--handle_raw_binlog=1", "--disable_log_bin=0");
        double s = (System.nanoTime() - t0) / 1e9;
        if (apply.rc() != 0) {
            System.err.println("mha apply failed: " + apply);
            return "na";
        }
        String got = sb.row("n4", "CHECKSUM TABLE app.b").get("Checksum");
        if (!want.equals(got)) {
            System.err.println("mha: n4 differs from n2 after applying (" + got + " vs " + want + "): not counted");
            return "na";
        }
        System.err.println(mode + ": MHA generate+apply " + String.format("%.2f", s) + " s (" + Files.size(diff)
                + " bytes diff)");
        return String.format("%.2f", s);
    }

    static long binlogBytes(Sandbox sb) throws Exception {
        long sum = 0;
        try (var c = sb.sql("n1"); var st = c.createStatement(); var rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                sum += rs.getLong("File_size");
            }
        }
        return sum;
    }

    static void waitEqual(Sandbox sb, String n, String q, String want) throws Exception {
        long end = System.nanoTime() + 180_000_000_000L;
        while (!want.equals(scalarOrNull(sb, n, q))) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(n + ": " + q + " never became " + want);
            }
            Thread.sleep(200);
        }
    }

    static String scalarOrNull(Sandbox sb, String n, String q) {
        try {
            return sb.scalar(n, q);
        } catch (java.sql.SQLException e) {
            return null; // not replicated yet
        }
    }

    static long stepMs(String journal, String step) {
        return stepLong(journal, step, "ms");
    }

    static long stepLong(String journal, String step, String key) {
        Matcher m = Pattern.compile("\\{[^\\n]*\"step\":\"" + step + "\"[^\\n]*\"" + key + "\":(\\d+)").matcher(journal);
        if (!m.find()) {
            throw new IllegalStateException("no " + step + " step with " + key + " in the journal:\n" + journal);
        }
        return Long.parseLong(m.group(1));
    }
}
