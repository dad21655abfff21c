// The primary dies: writes it acknowledged while its replicas were cut off are lost when a replica is promoted
// (counted), then the two halves of a manual failover as exercises: promote replica-1, repoint replica-2.
import type { StepSpec } from '../../engine/prose.js';
import type { CheckResult, LessonContext } from '../../engine/types.js';
import { adminCall } from '../../lab/admin.js';
import { count } from '../../engine/kit.js';
import { FAILOVER_ORDERS, ORDERS_BEFORE, ORDERS_DURING, figures } from './shared.js';
import {
  PRIMARY,
  countKeys,
  labOf,
  linkedTo,
  nameOfPort,
  replInfo,
  replicaOffset,
  restoreTopology,
  roleText,
  tryCall,
  waitUntil,
} from './lib/topology.js';

const orderKeys = (ctx: LessonContext, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ctx.key(`replication:order:${from + i}`));

async function lostWrites(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  await restoreTopology(ctx);
  const writer = await ctx.lab!.admin(PRIMARY);
  const primary = await ctx.lab!.client(PRIMARY);
  const before = orderKeys(ctx, 1, ORDERS_BEFORE);
  const during = orderKeys(ctx, ORDERS_BEFORE + 1, ORDERS_BEFORE + ORDERS_DURING);
  const all = [...before, ...during];
  await writer.del(...all);
  // WAIT counts the writes of the connection that sends it: the orders go on the same one.
  await primary.mset(...before.flatMap((k) => [k, 'paid']));
  await primary.call('WAIT', '2', '1000');
  const replicaOffsets = [await replicaOffset(lab, 'replica-1'), await replicaOffset(lab, 'replica-2')];
  await lab.cut('replica-1');
  await lab.cut('replica-2');
  ctx.say(`${ORDERS_BEFORE} orders written and confirmed on both replicas. Now both replicas are cut off, and the shop goes on selling:`);
  let acknowledged = 0;
  const pipe2 = writer.pipeline();
  for (const k of during.slice(0, -1)) pipe2.set(k, 'paid');
  for (const [err, reply] of (await pipe2.exec()) ?? []) if (!err && reply === 'OK') acknowledged++;
  if ((await primary.set(during.at(-1)!, 'paid')) === 'OK') acknowledged++;
  const primaryOffset = Number((await replInfo(lab.node(PRIMARY)))!.master_repl_offset);
  ctx.table(
    ['node', 'offset', 'orders it has'],
    [
      [PRIMARY, primaryOffset, ORDERS_BEFORE + acknowledged],
      ['replica-1 (cut)', replicaOffsets[0]!, `${ORDERS_BEFORE} (as of the cut)`],
      ['replica-2 (cut)', replicaOffsets[1]!, `${ORDERS_BEFORE} (as of the cut)`],
    ],
  );
  const t0 = Date.now();
  await lab.kill(PRIMARY);
  const killMs = Date.now() - t0;
  await lab.reconnect('replica-1');
  await lab.reconnect('replica-2');
  ctx.say(`The primary is killed (SIGKILL, gone in ${killMs} ms). The replicas come back; replica-1 is promoted and replica-2 follows it:`);
  const r1 = await ctx.lab!.client('replica-1');
  const r2 = await ctx.lab!.client('replica-2');
  await r1.call('REPLICAOF', 'NO', 'ONE');
  const r1node = lab.node('replica-1');
  await r2.call('REPLICAOF', r1node.host, String(r1node.port));
  await waitUntil(5000, () => linkedTo(lab, 'replica-2', 'replica-1'));
  const keptBefore = await countKeys(r1node, before);
  const keptDuring = await countKeys(r1node, during);
  await r1.call('DBSIZE');
  ctx.table(
    ['orders', 'acknowledged OK', 'on the new primary', 'lost'],
    [
      ['before the cut', ORDERS_BEFORE, keptBefore, ORDERS_BEFORE - keptBefore],
      ['during the cut', acknowledged, keptDuring, acknowledged - keptDuring],
      ['all', ORDERS_BEFORE + acknowledged, keptBefore + keptDuring, ORDERS_BEFORE + acknowledged - keptBefore - keptDuring],
    ],
  );
  figures.lostWrites = { before: ORDERS_BEFORE, during: ORDERS_DURING, acknowledged, survived: keptBefore + keptDuring, killMs };
  ctx.say(
    `${count(acknowledged - keptDuring, 'order')} the primary answered OK to ${acknowledged - keptDuring === 1 ? 'is' : 'are'} gone: ` +
      `they lived only in its memory and its backlog. Every customer was told "paid". Asynchronous replication means ` +
      `the window of loss is whatever the replicas had not received when the primary died: milliseconds on a healthy ` +
      `link, the whole partition here.`,
  );
  await restoreTopology(ctx);
}

/** The primary holds FAILOVER_ORDERS orders, both replicas have them, then the primary dies. */
async function primaryDies(ctx: LessonContext): Promise<void> {
  const lab = labOf(ctx);
  await restoreTopology(ctx);
  const writer = await ctx.lab!.admin(PRIMARY);
  const pipe = writer.pipeline();
  for (const k of orderKeys(ctx, 1, FAILOVER_ORDERS)) pipe.set(k, 'paid');
  await pipe.exec();
  await writer.call('WAIT', '2', '2000');
  await lab.kill(PRIMARY);
  await waitUntil(3000, async () => (await replInfo(lab.node('replica-1')))?.master_link_status === 'down');
}

/** promote: replica-1 is a primary, holds every order, and takes a write. */
async function promoted(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const node = lab.node('replica-1');
  const info = await replInfo(node);
  if (!info) return { pass: false, actual: 'replica-1 does not answer' };
  if (info.role === 'slave') {
    const of = nameOfPort(lab, info.master_port);
    if (info.slave_read_only === '0') {
      return {
        pass: false,
        actual: `replica-1 takes writes now (replica-read-only no) but is still a replica of ${of}: those writes reach no other node, and the first sync from a primary wipes them`,
      };
    }
    const failover = ctx.history.find((c) => String(c.args[0]).toUpperCase() === 'FAILOVER' && c.error);
    if (failover) {
      return {
        pass: false,
        actual: `FAILOVER was refused (${failover.error}): it asks a live primary to hand over to a replica; with the primary dead, the replica promotes itself`,
      };
    }
    return {
      pass: false,
      actual: `${await roleText(lab, 'replica-1')}${of === PRIMARY ? ' (the primary is down)' : ''}: it still refuses writes`,
    };
  }
  const have = await countKeys(node, orderKeys(ctx, 1, FAILOVER_ORDERS));
  if (have < FAILOVER_ORDERS) return { pass: false, actual: `replica-1 is a primary but holds ${have} of the ${FAILOVER_ORDERS} orders` };
  const write = await tryCall(node, ['SET', ctx.key('replication:order:after-failover'), 'paid']);
  if (!write.ok) return { pass: false, actual: `replica-1 is a primary but refused a write: ${write.reply}` };
  return { pass: true, actual: `replica-1 is a primary with all ${FAILOVER_ORDERS} orders, and takes writes` };
}

/** repoint: replica-1 already promoted, with an order written on it after the failover. */
async function promotedOne(ctx: LessonContext): Promise<void> {
  await primaryDies(ctx);
  const r1 = labOf(ctx).node('replica-1');
  await adminCall(r1.port, ['REPLICAOF', 'NO', 'ONE']);
  await adminCall(r1.port, ['SET', ctx.key('replication:order:after-failover'), 'paid']);
}

/** repoint: replica-2 replicates replica-1 (link up) and has the order written on replica-1 after the failover. */
async function repointed(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const r1port = lab.node('replica-1').port;
  await waitUntil(3000, async () => {
    const i = await replInfo(lab.node('replica-2'));
    return i?.role !== 'slave' || Number(i.master_port) !== r1port || i.master_link_status === 'up';
  });
  const info = await replInfo(lab.node('replica-2'));
  if (!info) return { pass: false, actual: 'replica-2 does not answer' };
  if (info.role === 'master') {
    return {
      pass: false,
      actual:
        'replica-2 is a primary too: two primaries (split brain). Clients writing to each diverge, and one side’s writes are lost when you merge them',
    };
  }
  const of = nameOfPort(lab, info.master_port);
  if (of !== 'replica-1') {
    return {
      pass: false,
      actual: `replica-2 replicates ${of}${of === PRIMARY ? ', which is down' : ''} (link ${info.master_link_status}): it never sees the writes made on replica-1`,
    };
  }
  if (info.master_link_status !== 'up')
    return { pass: false, actual: `replica-2 replicates replica-1 but its link is ${info.master_link_status}` };
  const key = ctx.key('replication:order:after-failover');
  const r2 = await ctx.lab!.admin('replica-2');
  if (!(await waitUntil(2000, async () => (await r2.get(key)) !== null))) {
    return { pass: false, actual: `replica-2 is linked to replica-1 but has no ${key} yet` };
  }
  return { pass: true, actual: `replica-2 replicates replica-1 (link up) and has ${key}, written after the failover` };
}

export const failoverSteps: StepSpec[] = [
  { id: 'lost-writes', kind: 'code', run: lostWrites },
  {
    id: 'promote',
    kind: 'exercise',
    points: 2,
    node: 'replica-1',
    setup: primaryDies,
    check: async (ctx): Promise<CheckResult> => {
      const r = await promoted(ctx);
      return { pass: r.pass, expected: `replica-1 a primary, with the ${FAILOVER_ORDERS} orders, taking writes`, actual: r.actual };
    },
    hints: [
      'A replica stops replicating, and becomes a primary with the data it has, with one command.',
      'REPLICAOF NO ONE   (typed on the replica you promote)',
    ],
    solution: ['REPLICAOF NO ONE'],
    wrong: [
      // A writable replica is not a primary: its writes go nowhere, and the next sync wipes them.
      ['CONFIG SET replica-read-only no'],
      // Following the other replica: it has no primary either, so the link never comes up.
      ['REPLICAOF 127.0.0.1 {port:replica-2}'],
      // FAILOVER hands over from a live primary; here there is none to ask.
      ['FAILOVER'],
    ],
  },
  {
    id: 'repoint',
    kind: 'exercise',
    points: 2,
    node: 'replica-2',
    setup: promotedOne,
    check: async (ctx): Promise<CheckResult> => {
      const r = await repointed(ctx);
      return {
        pass: r.pass,
        expected: 'replica-2 replicating the new primary, replica-1 (link up), with its new writes',
        actual: r.actual,
      };
    },
    hints: [
      'replica-2 still follows the dead primary. Point it at the node that is the primary now.',
      'REPLICAOF host port   (replica-1 listens on 127.0.0.1:{port:replica-1})',
    ],
    solution: ['REPLICAOF 127.0.0.1 {port:replica-1}'],
    wrong: [
      // A second primary: split brain.
      ['REPLICAOF NO ONE'],
      // Still the dead primary.
      ['REPLICAOF 127.0.0.1 {port:primary}'],
    ],
  },
];
