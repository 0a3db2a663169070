/**
 * Read-pool membership for the {@code ocf:mysqlha:lvs} agent: a pure function from the pool
 * ({@link io.mysqlha.decide.lvs.PoolSpec}), what the cluster says about each node
 * ({@link io.mysqlha.decide.lvs.Member}, {@link io.mysqlha.decide.lvs.Health}), the current IPVS
 * table and the remembered {@link io.mysqlha.decide.lvs.PoolState} to the ipvsadm changes to run
 * ({@link io.mysqlha.decide.lvs.IpvsChange}, in a {@link io.mysqlha.decide.lvs.PoolPlan}).
 *
 * <p>A monitor, in the agent:
 * <pre>{@code
 * // validate-all (once per action): parameter errors name the parameter
 * ServiceId id = ServiceId.of(Protocol.parse(protocol), Endpoint.parse(vip + ":" + port));
 * PoolSpec spec = new PoolSpec(
 *         VirtualService.of(id, Schedulers.requireKnown(scheduler)).withPersistence(persistence, null),
 *         Forwarding.parse(forwarding),            // "dr" | "nat" | "tunnel"
 *         PrimaryPolicy.parse(primaryPolicy),      // "never" | "always" | "fallback"
 *         rise, Duration.ofSeconds(drainTimeout));
 *
 * // monitor
 * List<Member> members = ...;   // one per node: address from the resource's parameters, health from
 *                               // the mysql monitor's node attributes (missing attribute: UNREADABLE,
 *                               // node not in the partition: DOWN), primary from the promoted role
 * IpvsTable table = IpvsadmOutput.parseList(run("ipvsadm", "-L", "-n"));   // with connection counts
 * if (isProbe) return PoolPlanner.isRunning(id, table) ? SUCCESS : NOT_RUNNING;   // a probe repairs nothing
 * PoolState state = PoolState.parse(readOrEmpty(stateFile));
 * PoolPlan plan = PoolPlanner.plan(spec, members, table, state, clock.instant());
 * for (IpvsChange c : plan.changes()) {
 *     log.info(c.describe());
 *     run("ipvsadm", c.ipvsadmArgs());   // one call each, exit status checked: ipvsadm -R exits 0 on errors
 * }
 * writeAtomically(stateFile, plan.nextState().format());
 * plan.notes().forEach(log::info);
 * if (plan.isEmptyPool()) log.warn("read pool empty");
 *
 * // stop
 * PoolPlanner.planStop(id, table).forEach(c -> run("ipvsadm", c.ipvsadmArgs()));
 * }</pre>
 *
 * <p>Kernel facts the planner relies on (seen on Linux 6.1, ipvsadm 1.31, in test-harness/ipvs-vm):
 * direct-routing and tunnel real servers are stored with the virtual port whatever port they are
 * given (port 0 under a firewall mark), which {@link io.mysqlha.decide.lvs.PoolSpec#realServerEndpoint}
 * mirrors; {@code -E} resets every service option it is not given, so edits carry them all; a
 * weight-0 server keeps its connections but gets no new ones, except from clients that still hold
 * a persistence template (set {@code net.ipv4.vs.expire_quiescent_template=1} for persistent pools).
 */
package io.mysqlha.decide.lvs;
