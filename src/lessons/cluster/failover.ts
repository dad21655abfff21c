// Failover: a primary killed (SIGKILL) while clients write to its slots and to another shard's; its replica promoted,
// timed from this run, with the writes refused meanwhile and any acknowledged write lost counted; the old primary back
// as a replica and a coordinated CLUSTER FAILOVER to fail back. Exercise: promote node-6 with CLUSTER FAILOVER.
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { adminCall, adminInfo, adminString, parseFields } from '../../lab/admin.js';
import { LabClusterClient, keySlot } from '../../lab/cluster-client.js';
import { CLUSTER_NODE_TIMEOUT_MS } from '../../lab/topology.js';
import { replicaOfPrimary, sleep, waitUntil } from './lib/cluster-state.js';
import { formedOf, formedPrimary, labOf, PROMOTED, restore, seconds } from './shared.js';

/** A tag on each primary that may be killed. */
const KILL_TAGS: Record<string, string> = { 'node-2': 'user:1', 'node-3': 'user:42' };

interface Probe {
  ok: number;
  failed: number;
  firstFail: number | null;
  lastFail: number | null;
  acked: number;
  errors: Map<string, number>;
}

/** INCRs one key every 20 ms through a cluster client that starts over at node-1 when its connection breaks. */
function incrLoop(ctx: LessonContext, key: string, t0: number): { probe: Probe; stop: () => Promise<void> } {
  const probe: Probe = { ok: 0, failed: 0, firstFail: null, lastFail: null, acked: 0, errors: new Map() };
  const start = labOf(ctx).node('node-1').address;
  let client = new LabClusterClient(start);
  let running = true;
  const done = (async () => {
    while (running) {
      const r = await client.call(['INCR', key]);
      const now = performance.now() - t0;
      if (r.error === undefined) {
        probe.ok++;
        probe.acked = Number(r.reply);
      } else {
        probe.failed++;
        probe.firstFail ??= now;
        probe.lastFail = now;
        const kind = /^CLUSTERDOWN/.test(r.error)
          ? 'CLUSTERDOWN'
          : /closed|ECONNREFUSED|connect|writeable/i.test(r.error)
            ? 'conn. refused'
            : r.error.split(' ')[0]!;
        probe.errors.set(kind, (probe.errors.get(kind) ?? 0) + 1);
        // A client whose node is gone reloads the map from a node that answers (here: starts over at node-1).
        client.close();
        client = new LabClusterClient(start);
      }
      await sleep(20);
    }
    client.close();
  })();
  return {
    probe,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

async function killPrimary(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const lab = labOf(ctx);
  const f = await formedOf(ctx);
  // Not node-6's shard: the next exercise fails that one over, and its primaries would not vote twice within 4 s.
  const KILLED = [...f.primaries].reverse().find((p) => p !== 'node-1' && f.replicaOf.get(PROMOTED) !== p)!;
  const killed = lab.node(KILLED);
  const heir = lab.node(replicaOfPrimary(f, KILLED));
  const watcher = lab.node('node-1');
  // One key on the killed primary's slots, one on node-1's.
  const onKilled = ctx.key(`cluster:{${KILL_TAGS[KILLED] ?? 'user:42'}}:hits`);
  const elsewhere = ctx.key('cluster:{user:7}:hits');
  if (formedPrimary(keySlot(onKilled)) !== KILLED) throw new Error(`${onKilled} is not on ${KILLED}`);

  const t0 = performance.now();
  const a = incrLoop(ctx, onKilled, t0);
  const b = incrLoop(ctx, elsewhere, t0);
  await sleep(300);
  const tKill = performance.now() - t0;
  await lab.kill(KILLED);
  ctx.say(`${KILLED} killed with SIGKILL (kill -9) at ${seconds(tKill)}; two clients keep writing every 20 ms.`);
  let tFail: number | null = null;
  let tPromoted: number | null = null;
  let tOk: number | null = null;
  await waitUntil(async () => {
    const now = performance.now() - t0;
    const nodes = await adminString(watcher.port, ['CLUSTER', 'NODES']).catch(() => '');
    if (tFail === null && nodes.split('\n').some((l) => l.includes(`:${killed.port}@`) && /\bfail\b/.test(l.split(' ')[2] ?? '')))
      tFail = now;
    if (tPromoted === null && (await adminInfo(heir.port, 'replication').catch(() => ({}) as Record<string, string>)).role === 'master')
      tPromoted = now;
    if (tPromoted !== null) {
      const ci = parseFields(await adminString(watcher.port, ['CLUSTER', 'INFO']));
      if (ci.cluster_state === 'ok') tOk = now;
    }
    return tOk === null ? 'waiting' : null;
  }, 20_000);
  await sleep(300);
  await Promise.all([a.stop(), b.stop()]);
  const final = Number(await adminCall(heir.port, ['GET', onKilled]));
  const lost = Math.max(0, a.probe.acked - final);
  const since = (t: number | null) => (t === null ? 'not seen' : `+${seconds(t - tKill)}`);
  ctx.table(
    ['event', 'after the kill'],
    [
      [`${KILLED} flagged fail (node-1's view)`, since(tFail)],
      [`${heir.name}, its replica, primary`, since(tPromoted)],
      ['cluster_state ok on node-1', since(tOk)],
    ],
  );
  const errs = (p: Probe) => [...p.errors].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const span = (p: Probe) => (p.firstFail === null ? '-' : seconds((p.lastFail ?? 0) - p.firstFail));
  ctx.table(
    ['INCR every 20 ms', `key on ${KILLED}`, 'key on node-1'],
    [
      ['acknowledged', a.probe.ok, b.probe.ok],
      ['refused', a.probe.failed, b.probe.failed],
      ['refused during', span(a.probe), span(b.probe)],
      ['errors', errs(a.probe), errs(b.probe)],
    ],
  );
  ctx.say(
    `${heir.name} took over ${since(tPromoted)} after the kill. Until then every write to ${KILLED}'s third of the slots failed; ` +
      `${b.probe.failed ? `${count(b.probe.failed, 'write')} to a healthy shard failed too (CLUSTERDOWN while cluster_state was fail: cluster-require-full-coverage yes)` : 'writes to the healthy shards went on'}. ` +
      `The counter on ${heir.name} reads ${final}; the client had ${a.probe.acked} acknowledged: ${lost === 0 ? 'no acknowledged write lost this time' : `${count(lost, 'acknowledged write')} lost`} ` +
      '(replication is asynchronous: a write acknowledged just before the kill can be missing from the replica).',
  );

  // Back: the killed node restarts from its nodes.conf, learns it lost its slots, and follows its old replica. Its
  // connections reconnect meanwhile; their handshakes are housekeeping, left out of the transcript.
  const back = await ctx.lab!.client(KILLED);
  await ctx.sb.recorder.unrecorded(async () => {
    await lab.restart(KILLED);
    const rejoin = await waitUntil(async () => {
      const info = await adminInfo(killed.port, 'replication');
      return info.role === 'slave' && info.master_link_status === 'up'
        ? null
        : `${KILLED}: ${info.role}, link ${info.master_link_status ?? '-'}`;
    }, 15_000);
    if (rejoin !== null) throw new Error(`${KILLED} did not rejoin: ${rejoin}`);
    // A primary votes for a shard's replicas at most once per 2 × cluster-node-timeout: wait that out since the election.
    const voteAgain = (tPromoted ?? performance.now() - t0) + 2 * CLUSTER_NODE_TIMEOUT_MS + 300 - (performance.now() - t0);
    if (voteAgain > 0) await sleep(voteAgain);
    await back.ping();
  });
  const t1 = performance.now();
  await back.call('CLUSTER', 'FAILOVER');
  const why = await waitUntil(async () => ((await adminInfo(killed.port, 'replication')).role === 'master' ? null : 'replica'), 8000);
  const tBack = performance.now() - t1;
  ctx.say(
    `${KILLED} restarted (same port, its nodes.conf), rejoined as ${heir.name}'s replica, resynced, and ` +
      (why === null
        ? `took its role back with CLUSTER FAILOVER in ${Math.round(tBack)} ms: a coordinated failover, the primary pauses its clients until the replica has every write, so nothing is lost.`
        : `did not take its role back yet (${why}).`),
  );
  await restore(ctx);
}

/** promote-replica: node-6 primary of its pair's slots, the old primary its replica, cluster ok on every node. */
async function promoted(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const f = await formedOf(ctx);
  const old = lab.node(f.replicaOf.get(PROMOTED)!);
  const node = lab.node(PROMOTED);
  const asked = ctx.history.some((c) => !c.error && /^CLUSTER$/i.test(c.args[0] ?? '') && /^FAILOVER$/i.test(c.args[1] ?? ''));
  let last = '';
  const probe = async (): Promise<string | null> => {
    const mine = await adminInfo(node.port, 'replication');
    if (mine.role !== 'master') return (last = `${PROMOTED} is still a replica of ${old.name}`);
    const theirs = await adminInfo(old.port, 'replication');
    if (theirs.role !== 'slave' || Number(theirs.master_port) !== node.port)
      return (last = `${old.name} does not replicate ${PROMOTED} yet`);
    if (theirs.master_link_status !== 'up') return (last = `${old.name}'s link to ${PROMOTED} is ${theirs.master_link_status}`);
    for (const n of lab.nodes) {
      const ci = parseFields(await adminString(n.port, ['CLUSTER', 'INFO']));
      if (ci.cluster_state !== 'ok') return (last = `${n.name}: cluster_state:${ci.cluster_state}`);
    }
    return null;
  };
  const why = await waitUntil(probe, asked ? 8000 : 0, 100);
  if (why !== null) return { pass: false, actual: last || why };
  const [a, b] = f.ranges.get(old.name)!;
  return {
    pass: true,
    actual: `${PROMOTED} is a primary (slots ${a}-${b}), ${old.name} its replica, link up, cluster_state ok on all six nodes`,
  };
}

export const failoverSteps: StepSpec[] = [
  { id: 'kill-primary', kind: 'code', run: killPrimary },
  {
    id: 'promote-replica',
    kind: 'exercise',
    points: 2,
    node: PROMOTED,
    setup: restore,
    check: expanded(custom(`${PROMOTED} a primary, its old primary its replica, cluster_state ok everywhere`, promoted)),
    hints: [
      `A planned failover is asked of the replica, not the primary: the replica coordinates with its primary so no write is lost. Your prompt is on ${PROMOTED}.`,
      'CLUSTER FAILOVER   (typed on the replica; FORCE and TAKEOVER are for a primary that is down)',
    ],
    solution: ['CLUSTER FAILOVER'],
    wrong: [
      // The replication habit: refused in cluster mode.
      ['REPLICAOF NO ONE'],
      // Redis 6.2's FAILOVER is for a primary and its replicas outside a cluster.
      ['FAILOVER'],
    ],
  },
];
