// The cluster lesson's names and numbers: the keys each step and exercise uses (hash-tagged where the slot must not
// depend on the namespace), their slots, the node that serves each slot as the lab forms the cluster, and small
// helpers every section needs (the lab, a node's admin connection, writing keys where they belong).
import type { Redis } from 'ioredis';
import { keySlot } from '../../lab/cluster-client.js';
import type { Lab } from '../../lab/lab.js';
import { CLUSTER_SLOT_RANGES } from '../../lab/topology.js';
import type { LessonContext } from '../../engine/types.js';
import { formed, restoreCluster, type Formed } from './lib/cluster-state.js';

/** The primary that serves `slot` when the lab forms the cluster: node-1, node-2, node-3 in slot order. */
export function formedPrimary(slot: number): string {
  const i = CLUSTER_SLOT_RANGES.findIndex(([a, b]) => slot >= a && slot <= b);
  return `node-${i + 1}`;
}

const tagSlot = (tag: string) => keySlot(`{${tag}}`);

/** right-node: three orders, one per primary; node-1 serves the first. */
export const ORDERS = ['1001', '1002', '1003'] as const;
export const orderKey = (id: string) => `cluster:{order:${id}}:status`;
export const orderSlot = (id: string) => tagSlot(`order:${id}`);

/** hash-tag: user 7's cart and profile (node-1 serves {user:7}); the step before shows {user:3}. */
export const USER_TAG = 'user:7';
export const USER_SLOT = tagSlot(USER_TAG);

/** count-slot: sessions in one slot of node-3, other keys around them, the answer in another slot of node-3. */
export const COUNT_TAG = 'sessions';
export const COUNT_SLOT = tagSlot(COUNT_TAG);
export const COUNT_SESSIONS = 7;
export const COUNT_OTHERS = 9;
export const ANSWER_KEY = 'cluster:{tally}:answer';

/** The resharding exercises: the {ledger} slot and its four keys, from node-1 to node-2. */
export const MOVE_TAG = 'ledger';
export const MOVE_SLOT = tagSlot(MOVE_TAG);
export const MOVE_KEYS = ['jan', 'feb', 'mar', 'apr'].map((m) => `cluster:{${MOVE_TAG}}:${m}`);
export const MOVE_FROM = 'node-1';
export const MOVE_TO = 'node-2';

/** reshard-live: the {reports} slot moves from node-1 to node-3 while clients write. */
export const LIVE_TAG = 'reports';
export const LIVE_SLOT = tagSlot(LIVE_TAG);
export const LIVE_KEYS = 200;
export const LIVE_WRITERS = 4;

/** promote-replica: the replica the learner promotes (kill-primary kills another shard's primary). */
export const PROMOTED = 'node-6';

/** bulk-by-slot: keys loaded each way. */
export const BULK_KEYS = 3000;

/** hot-tags: keys written with one tenant's tag, and without. */
export const HOT_KEYS = 600;

export function labOf(ctx: LessonContext): Lab {
  if (!ctx.lab) throw new Error('the cluster lesson runs on its cluster lab');
  return ctx.lab.lab;
}

export function formedOf(ctx: LessonContext): Promise<Formed> {
  return formed(labOf(ctx));
}

/** The lab back as formed: the first thing every setup and code step does. */
export function restore(ctx: LessonContext): Promise<void> {
  return restoreCluster(labOf(ctx));
}

export function admin(ctx: LessonContext, node: string): Promise<Redis> {
  return ctx.lab!.admin(node);
}

export function portOf(ctx: LessonContext, node: string): number {
  return labOf(ctx).node(node).port;
}

/** host:port → node name. */
export function nameAt(ctx: LessonContext, address: string): string {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return labOf(ctx).nodes.find((n) => n.port === port)?.name ?? address;
}

/** Writes `pairs` (names without the namespace) on the primaries serving them as formed, unrecorded. */
export async function writeKeys(ctx: LessonContext, pairs: Record<string, string>): Promise<void> {
  const byNode = new Map<string, [string, string][]>();
  for (const [name, value] of Object.entries(pairs)) {
    const key = ctx.key(name);
    const node = formedPrimary(keySlot(key));
    byNode.set(node, [...(byNode.get(node) ?? []), [key, value]]);
  }
  for (const [node, kv] of byNode) {
    const c = await admin(ctx, node);
    const p = c.pipeline();
    for (const [k, v] of kv) p.set(k, v);
    await p.exec();
  }
}

/** The message of a rejected promise, or null when it resolved. */
export async function errorOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
