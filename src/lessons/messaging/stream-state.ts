// What the exercises' checks read back from a stream, unrecorded: its groups (XINFO GROUPS), who holds which pending
// entry (XPENDING, extended form), its first entry and its length.
import type { LessonContext } from '../../engine/types.js';

export interface GroupState {
  name: string;
  pending: number;
  lastDeliveredId: string;
}

/** A reply of field/value pairs as an object, whether it came flat (RESP2) or as a map. */
function record(reply: unknown): Record<string, unknown> {
  if (reply instanceof Map) return Object.fromEntries(reply as Map<string, unknown>);
  if (!Array.isArray(reply)) return (reply ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

/** The stream's consumer groups ([] when the key is not a stream). */
export async function groupsOf(ctx: LessonContext, key: string): Promise<GroupState[]> {
  if ((await ctx.unrecorded.type(key)) !== 'stream') return [];
  const reply = (await ctx.unrecorded.call('XINFO', 'GROUPS', key)) as unknown[];
  return reply.map((g) => {
    const r = record(g);
    return { name: String(r.name), pending: Number(r.pending), lastDeliveredId: String(r['last-delivered-id']) };
  });
}

export async function groupOf(ctx: LessonContext, key: string, group: string): Promise<GroupState | undefined> {
  return (await groupsOf(ctx, key)).find((g) => g.name === group);
}

/** The names of the group's consumers (XINFO CONSUMERS). */
export async function consumersOf(ctx: LessonContext, key: string, group: string): Promise<string[]> {
  const reply = (await ctx.unrecorded.call('XINFO', 'CONSUMERS', key, group)) as unknown[];
  return reply.map((c) => String(record(c).name));
}

/** Every pending entry of the group: id → the consumer that holds it, and how long it has been idle. */
export async function pendingOf(
  ctx: LessonContext,
  key: string,
  group: string,
): Promise<Map<string, { consumer: string; idleMs: number }>> {
  const rows = (await ctx.unrecorded.call('XPENDING', key, group, '-', '+', 1000)) as [string, string, number, number][];
  return new Map(rows.map(([id, consumer, idle]) => [String(id), { consumer: String(consumer), idleMs: Number(idle) }]));
}

/** The ids of the stream's entries, oldest first. */
export async function entryIds(ctx: LessonContext, key: string): Promise<string[]> {
  const rows = await ctx.unrecorded.xrange(key, '-', '+');
  return rows.map(([id]) => id);
}

/** "a, b and c" */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
