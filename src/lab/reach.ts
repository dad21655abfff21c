// What a lab prompt may not do: make a lab node write to, copy from or join a server redis-learn did not start.

/** Settings that name files: changing them points a node's writes at any path on the machine. */
const FILE_SETTINGS = new Set([
  'dir',
  'dbfilename',
  'logfile',
  'appenddirname',
  'appendfilename',
  'aclfile',
  'pidfile',
  'unixsocket',
  'cluster-config-file',
]);

/**
 * The lab is the learner's own, but a few commands make a lab node write to, or join, another server: those are only
 * allowed towards the lab's own nodes, so the lab REPL cannot change a server redis-learn did not start.
 */
export function reachesOutsideLab(args: readonly string[], labPorts: ReadonlySet<number>): string | null {
  const name = String(args[0] ?? '').toUpperCase();
  const sub = String(args[1] ?? '').toUpperCase();
  const inLab = (host: string | undefined, port: string | undefined) =>
    (host === '127.0.0.1' || host === 'localhost' || host === '::1') && labPorts.has(Number(port));
  if (name === 'MIGRATE' && !inLab(args[1], args[2])) return `MIGRATE writes to ${args[1]}:${args[2]}, which is not a node of this lab`;
  if (
    (name === 'REPLICAOF' || name === 'SLAVEOF') &&
    !(sub === 'NO' && String(args[2]).toUpperCase() === 'ONE') &&
    !inLab(args[1], args[2])
  )
    return `${name} ${args[1]} ${args[2]} would copy another server's data into the lab: only the lab's own nodes (or NO ONE)`;
  if (name === 'CLUSTER' && sub === 'MEET' && !inLab(args[2], args[3]))
    return `CLUSTER MEET ${args[2]} ${args[3]} would join a server outside the lab`;
  // A Sentinel told to monitor a server would reconfigure it (REPLICAOF, CONFIG REWRITE) on a failover.
  if (name === 'SENTINEL' && sub === 'MONITOR' && !inLab(args[3], args[4]))
    return `SENTINEL MONITOR ${args[3]} ${args[4]} would let the lab's Sentinels reconfigure a server outside the lab`;
  // Scripts a Sentinel runs on events are programs on this machine, not lab state.
  if (name === 'SENTINEL' && sub === 'SET' && args.slice(3).some((a) => /script/i.test(a)))
    return 'SENTINEL SET … notification-script / client-reconfig-script would run programs on this machine';
  if (name === 'CONFIG' && sub === 'SET') {
    // Redis 7 protects these already (enable-protected-configs); said here too, for any server build.
    for (let i = 2; i < args.length; i += 2) {
      const param = String(args[i]).toLowerCase();
      if (FILE_SETTINGS.has(param)) return `CONFIG SET ${param} would make the node write files outside the lab's own folder`;
    }
  }
  return null;
}
