package io.mysqlha.port;

import io.mysqlha.model.lvs.IpvsTable;
import io.mysqlha.model.lvs.ServiceId;

import java.util.List;
import java.util.Optional;

/** The kernel's IPVS table, through ipvsadm. */
public interface Ipvs {
    /** Whether the ipvsadm program can be found. */
    boolean installed();

    /**
     * One virtual service as the kernel has it, with its real servers and their connection counts;
     * empty when the table has no such service.
     *
     * @throws io.mysqlha.ocf.OcfException ERR_INSTALLED when IPVS is not in the kernel, ERR_PERM when
     *         not allowed to read it, ERR_GENERIC when ipvsadm fails otherwise or prints what cannot be read
     */
    Optional<IpvsTable.Entry> find(ServiceId id, Deadline deadline);

    /**
     * Runs one {@code ipvsadm <args>} change. The caller checks the result: one change per call, since
     * {@code ipvsadm -R} exits 0 even when a line of its input fails.
     */
    CommandRunner.Result apply(List<String> args, Deadline deadline);
}
