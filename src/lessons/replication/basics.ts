// Replicas as they run: INFO replication on the primary and a replica (role, link, offsets, the slaveN lines), reads
// from a replica, the READONLY error on a write there, stale reads counted, and the chained-replica exercise.
import type { StepSpec } from '../../engine/prose.js';
import type { CheckResult, LessonContext } from '../../engine/types.js';
import { count } from '../../engine/kit.js';
import { STALE_TRIES, figures } from './shared.js';
import { PRIMARY, labOf, linkedTo, nameOfPort, replInfo, replicaLines, restoreTopology, roleText, waitUntil } from './lib/topology.js';

async function infoReplication(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  await restoreTopology(ctx);
  const primary = await ctx.lab!.client(PRIMARY);
  const r1 = await ctx.lab!.client('replica-1');
  await primary.call('INFO', 'replication');
  await r1.call('ROLE');
  const p = (await replInfo(lab.node(PRIMARY)))!;
  const rows: (string | number)[][] = [[PRIMARY, 'master', '-', Number(p.master_repl_offset), '-']];
  for (const line of replicaLines(lab, p)) {
    const own = (await replInfo(lab.node(line.name)))!;
    rows.push([line.name, own.role ?? '?', own.master_link_status ?? '?', Number(own.slave_repl_offset), `${line.offset} (${line.lag} s)`]);
  }
  ctx.table(['node', 'role', 'link', 'offset', 'acked (lag)'], rows);
  ctx.say(
    `Every node counts the bytes of the replication stream: the primary's master_repl_offset is ${p.master_repl_offset}; ` +
      `each replica's slave_repl_offset says how far it has applied, and the primary's slave0/slave1 lines say what each last ` +
      `acknowledged (REPLCONF ACK, once a second) and how many seconds ago (lag). Same replid + same offset = same data.`,
  );
}

async function replicaReads(ctx: LessonContext): Promise<void> {
  await restoreTopology(ctx);
  const primary = await ctx.lab!.client(PRIMARY);
  const r1 = await ctx.lab!.client('replica-1');
  const key = ctx.key('replication:greeting');
  await primary.set(key, 'hello');
  await primary.call('WAIT', '2', '1000');
  await r1.get(key);
  const refused = await r1.set(key, 'from the replica').then(
    () => null,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  ctx.say(
    refused
      ? `Reads work on a replica; the write was refused (${refused.split(' ')[0]}): replica-read-only yes is the default, ` +
          'so a client that sends writes to a replica hears about it at once instead of diverging from the primary.'
      : 'The replica accepted the write: replica-read-only is off on it.',
  );
  // Read-your-writes: the replica applies the write a moment after the primary answered it.
  const writer = await ctx.lab!.admin(PRIMARY);
  const reader = await ctx.lab!.admin('replica-1');
  const probe = ctx.key('replication:counter');
  let stale = 0;
  for (let i = 1; i <= STALE_TRIES; i++) {
    const [, seen] = await Promise.all([writer.set(probe, String(i)), reader.get(probe)]);
    if (seen !== String(i)) stale++;
  }
  figures.staleReads = { stale, tries: STALE_TRIES };
  ctx.say(
    `Stale reads, counted: SET ${probe} i on the primary and GET on replica-1 sent together, ${STALE_TRIES} times: ` +
      `${count(stale, 'read')} of ${STALE_TRIES} saw the previous value (${((stale / STALE_TRIES) * 100).toFixed(0)}%). ` +
      'Replication is asynchronous: the primary answers OK before any replica has the write. A user who saves and ' +
      'then reloads from a replica may not see their own change.',
  );
}

/** chain-replica: replica-2 replicates replica-1 (link up), replica-1 still replicates the primary, and data flows. */
async function chained(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const r1Port = lab.node('replica-1').port;
  // REPLICAOF returns at once; the link comes up a moment later.
  await waitUntil(3000, async () => {
    const info = await replInfo(lab.node('replica-2'));
    return info?.role !== 'slave' || Number(info.master_port) !== r1Port || info.master_link_status === 'up';
  });
  const r2 = await replInfo(lab.node('replica-2'));
  if (!r2) return { pass: false, actual: 'replica-2 does not answer' };
  if (r2.role !== 'slave') return { pass: false, actual: 'replica-2 is a primary of its own (REPLICAOF NO ONE): it follows nobody now' };
  const target = nameOfPort(lab, r2.master_port);
  if (target === 'replica-2') {
    return { pass: false, actual: `replica-2 replicates itself (:${r2.master_port}): link ${r2.master_link_status}, it receives nothing` };
  }
  if (target !== 'replica-1') return { pass: false, actual: `${await roleText(lab, 'replica-2')}: not chained yet` };
  const p = await replInfo(lab.node(PRIMARY));
  if (p?.role !== 'master') return { pass: false, actual: `${await roleText(lab, PRIMARY)}: the primary must stay the primary` };
  if (!(await linkedTo(lab, 'replica-1', PRIMARY))) return { pass: false, actual: await roleText(lab, 'replica-1') };
  if (r2.master_link_status !== 'up')
    return { pass: false, actual: `replica-2 replicates replica-1 but its link is ${r2.master_link_status}` };
  // The chain carries data: a write on the primary reaches replica-2 through replica-1.
  const key = ctx.key('replication:chain-probe');
  const stamp = String(Date.now());
  const primary = await ctx.lab!.admin(PRIMARY);
  const r2c = await ctx.lab!.admin('replica-2');
  await primary.set(key, stamp);
  const arrived = await waitUntil(2000, async () => (await r2c.get(key)) === stamp);
  return arrived
    ? { pass: true, actual: 'replica-2 replicates replica-1 (link up), replica-1 replicates primary; a write on primary reached replica-2' }
    : { pass: false, actual: 'replica-2 is linked to replica-1 but a write on primary did not reach it within 2 s' };
}

export const basicsSteps: StepSpec[] = [
  { id: 'info-replication', kind: 'code', run: infoReplication },
  { id: 'replica-reads', kind: 'code', run: replicaReads },
  {
    id: 'chain-replica',
    kind: 'exercise',
    points: 2,
    node: 'replica-2',
    setup: restoreTopology,
    check: async (ctx): Promise<CheckResult> => {
      const r = await chained(ctx);
      return { pass: r.pass, expected: 'replica-2 replicating replica-1 (link up), replica-1 still replicating primary', actual: r.actual };
    },
    hints: [
      'A replica can be the primary of another replica. The command goes to the node that should change: replica-2, where your prompt is.',
      'REPLICAOF host port   (replica-1 listens on 127.0.0.1:{port:replica-1})',
    ],
    solution: ['REPLICAOF 127.0.0.1 {port:replica-1}'],
    wrong: [
      // Promoting instead of chaining: replica-2 stops following anyone.
      ['REPLICAOF NO ONE'],
      // Its own port: it tries to replicate itself, and the link never comes up.
      ['REPLICAOF 127.0.0.1 {port:replica-2}'],
      // The primary's address: nothing changes.
      ['REPLICAOF 127.0.0.1 {port:primary}'],
    ],
  },
];
