// Bulk loading a cluster: one request per key (each routed to the right node, each waiting for its reply) against the
// keys grouped by the node that serves their slot, one pipeline per node, the three sent at once. Timed in this run.
import type { Redis } from 'ioredis';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { keySlot } from '../../lab/cluster-client.js';
import { adminCall } from '../../lab/admin.js';
import { count } from '../../engine/kit.js';
import { admin, BULK_KEYS, formedOf, labOf, restore } from './shared.js';

/** slot → node name, from CLUSTER SLOTS (what every cluster client loads at start). */
async function slotTable(ctx: LessonContext): Promise<string[]> {
  const lab = labOf(ctx);
  const reply = (await adminCall(lab.node('node-1').port, ['CLUSTER', 'SLOTS'])) as unknown[][];
  const table = new Array<string>(16384).fill('');
  for (const [a, b, primary] of reply as [number, number, [string, number]][]) {
    const name = lab.nodes.find((n) => n.port === Number(primary[1]))?.name ?? '';
    for (let s = a; s <= b; s++) table[s] = name;
  }
  return table;
}

async function bulkBySlot(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const f = await formedOf(ctx);
  const table = await slotTable(ctx);
  const conns = new Map<string, Redis>();
  for (const n of f.primaries) conns.set(n, await admin(ctx, n));
  const keys = (kind: string) => Array.from({ length: BULK_KEYS }, (_, i) => ctx.key(`cluster:bulk:${kind}:${i}`));

  // Naive: a round trip per key.
  const naiveKeys = keys('naive');
  const t0 = performance.now();
  for (const k of naiveKeys) await conns.get(table[keySlot(k)]!)!.set(k, 'v');
  const naiveMs = performance.now() - t0;

  // Grouped: the keys of each node in one pipeline, the pipelines in parallel.
  const groupedKeys = keys('grouped');
  const t1 = performance.now();
  const byNode = new Map<string, string[]>();
  for (const k of groupedKeys) {
    const n = table[keySlot(k)]!;
    byNode.set(n, [...(byNode.get(n) ?? []), k]);
  }
  await Promise.all(
    [...byNode].map(async ([n, ks]) => {
      const p = conns.get(n)!.pipeline();
      for (const k of ks) p.set(k, 'v');
      await p.exec();
    }),
  );
  const groupedMs = performance.now() - t1;

  const sizes = await Promise.all(f.primaries.map(async (n) => Number(await conns.get(n)!.dbsize())));
  const total = sizes.reduce((a, b) => a + b, 0);
  ctx.table(
    ['way', 'keys', 'requests', 'took', 'keys per second'],
    [
      ['one SET per key, each awaited', BULK_KEYS, BULK_KEYS, `${Math.round(naiveMs)} ms`, Math.round((BULK_KEYS * 1000) / naiveMs)],
      [
        `grouped by node: ${byNode.size} pipelines at once`,
        BULK_KEYS,
        byNode.size,
        `${Math.round(groupedMs)} ms`,
        Math.round((BULK_KEYS * 1000) / groupedMs),
      ],
    ],
  );
  const ratio = naiveMs / Math.max(groupedMs, 0.001);
  ctx.say(
    `Grouped by slot owner: ${ratio.toFixed(1)}× faster in this run (${[...byNode].map(([n, ks]) => `${n} got ${ks.length}`).join(', ')}). ` +
      `The cluster now holds ${count(total, 'key')} (${sizes.join(' / ')} per primary). The naive loop pays one network round ` +
      `trip per key; the grouped one pays one per node. A pipeline must stay on one node (ioredis's Cluster refuses a ` +
      `pipeline whose keys span nodes, redis-py's cluster pipeline splits it by node for you), and MSET must stay in one slot: group by node for ` +
      `pipelines, by slot (or tag) for multi-key commands.`,
  );
  await restore(ctx);
}

export const bulkSteps: StepSpec[] = [{ id: 'bulk-by-slot', kind: 'code', run: bulkBySlot }];
