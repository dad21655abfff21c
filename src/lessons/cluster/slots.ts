// The 16384 slots: CLUSTER KEYSLOT / SHARDS / NODES on the live lab, who serves what as formed, MOVED seen live (a
// plain connection to node-1 writing another node's key, then the owner, then LabClusterClient following and learning),
// and the exercise: from node-1, write the order node-1 serves.
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { LabClusterClient, keySlot, type Redirection } from '../../lab/cluster-client.js';
import { formedOwner, ownersIn, viewOf } from './lib/cluster-state.js';
import { admin, errorOf, formedOf, labOf, nameAt, ORDERS, orderKey, orderSlot, formedPrimary, restore } from './shared.js';

async function slotMap(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const lab = labOf(ctx);
  const f = await formedOf(ctx);
  const view = await viewOf(lab.node('node-1').port);
  const owners = ownersIn(view);
  const rows = lab.nodes.map((n) => {
    const id = f.ids.get(n.name)!;
    const line = view.find((l) => l.id === id);
    const primary = line?.primaryId ? f.names.get(line.primaryId) : null;
    return [
      n.name,
      n.port,
      primary ? 'replica' : 'primary',
      primary ? `replicates ${primary}` : line?.ranges.join(' ') || '',
      id.slice(0, 8),
    ];
  });
  ctx.table(['node', 'port', 'role', 'slots / primary', 'id (first 8)'], rows);
  const asFormed = owners.every((id, s) => id === f.ids.get(formedOwner(f, s)));
  ctx.say(
    `Read from node-1's CLUSTER NODES just now: ${f.primaries.join(', ')} are the primaries, each with one replica ` +
      `(${[...f.replicaOf].map(([r, p]) => `${r} follows ${p}`).join(', ')}). ` +
      (asFormed ? 'Every one of the 16384 slots has exactly one owner.' : 'Some slots are not where the lab formed them.'),
  );
}

/** A key under the lesson's prefix whose slot node-1 does not serve (its slot depends on the namespace). */
function foreignKey(ctx: LessonContext): string {
  for (let i = 1; ; i++) {
    const key = ctx.key(`cluster:user:${i}`);
    if (formedPrimary(keySlot(key)) !== 'node-1') return key;
  }
}

async function movedLive(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const key = foreignKey(ctx);
  const slot = keySlot(key);
  const owner = formedPrimary(slot);
  const n1 = await ctx.lab!.client('node-1');
  const moved = await errorOf(n1.set(key, 'Ada'));
  ctx.say(
    `node-1 refused: ${moved ?? '(it accepted?)'}. It did not forward the command: it told the client which node serves ` +
      `slot ${slot} (${owner}, on the port after the colon). At an exercise prompt you would type :node ${owner}; a cluster client goes there by itself:`,
  );
  const there = await ctx.lab!.client(owner);
  await there.set(key, 'Ada');
  const seen: Redirection[] = [];
  const home = labOf(ctx).node('node-1');
  const client = new LabClusterClient(home.address, (r) => seen.push(r));
  try {
    const first = await client.call(['GET', key]);
    const afterFirst = seen.length;
    const second = await client.call(['GET', key]);
    const r = seen[0];
    ctx.say(
      `LabClusterClient (the lab's little redis-cli -c): GET ${key} sent to node-1, ` +
        (r ? `met ${r.kind} ${r.slot} ${r.address} (${nameAt(ctx, r.address)}), followed it, ` : 'met no redirection, ') +
        `got "${String(first.reply)}" from ${nameAt(ctx, first.address)}, and remembered slot ${slot}. The second GET went ` +
        `straight to ${nameAt(ctx, second.address)}: ${count(seen.length - afterFirst, 'redirection')}. Real clients load the whole map ` +
        `(CLUSTER SHARDS or SLOTS) at start, so a MOVED only happens when the map has changed.`,
    );
  } finally {
    client.close();
  }
  await (await admin(ctx, owner)).del(key);
}

/** right-node: the order node-1 serves holds "paid" on node-1. */
async function orderOnNode1(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const f = await formedOf(ctx);
  const mine = ORDERS.find((id) => formedOwner(f, orderSlot(id)) === 'node-1')!;
  const key = ctx.key(orderKey(mine));
  const value = await (await admin(ctx, 'node-1')).get(key);
  if (value === 'paid') return { pass: true, actual: `${key} = "paid" on node-1 (slot ${orderSlot(mine)})` };
  const last = ctx.history.at(-1);
  const why =
    last && /^MOVED /.test(last.error ?? '')
      ? `; ${last.command} → ${last.error}: that order is served elsewhere, and nothing was written`
      : '';
  return { pass: false, actual: `${key} is ${value === null ? 'not on node-1' : `"${value}" on node-1`}${why}` };
}

export const slotSteps: StepSpec[] = [
  {
    id: 'slots',
    kind: 'run',
    commands: [
      'CLUSTER KEYSLOT {ns}cluster:user:1',
      'CLUSTER KEYSLOT {ns}cluster:user:2',
      'CLUSTER INFO',
      'CLUSTER SHARDS',
      'CLUSTER NODES',
    ],
  },
  { id: 'slot-map', kind: 'code', run: slotMap },
  { id: 'moved', kind: 'code', run: movedLive },
  {
    id: 'right-node',
    kind: 'exercise',
    points: 2,
    node: 'node-1',
    setup: restore,
    check: expanded(custom('the order node-1 serves marked "paid" on node-1', orderOnNode1)),
    hints: [
      'CLUSTER KEYSLOT gives each order key its slot; CLUSTER SHARDS (or the slot ranges in CLUSTER NODES) says which node serves that slot. Only one of the three is node-1’s.',
      'CLUSTER KEYSLOT {ns}cluster:{order:1001}:status   then   SET <the key node-1 serves> paid',
    ],
    solution: [`CLUSTER KEYSLOT {ns}${orderKey('1001')}`, `SET {ns}${orderKey('1001')} paid`],
    wrong: [
      // Another node's order: node-1 answers MOVED and writes nothing.
      [`SET {ns}${orderKey('1002')} paid`],
      [`SET {ns}${orderKey('1003')} paid`],
      // Looking is not writing.
      [`CLUSTER KEYSLOT {ns}${orderKey('1001')}`],
    ],
  },
];
