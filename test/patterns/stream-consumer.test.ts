// Stream consumer groups: a consumer killed mid-batch loses nothing (XAUTOCLAIM), a restarted consumer re-reads its own
// pending entries, concurrent consumers split a stream with each entry delivered once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToStream, createStreamConsumer, parseStreamReadReply } from '../../src/patterns/queue/streams.js';
import { sleep } from '../../src/patterns/client.js';
import { patternEnv, type PatternEnv } from './helpers.js';

let env: PatternEnv;
beforeEach(async () => {
  env = await patternEnv('streams');
});
afterEach(async () => {
  await env.cleanup();
});

async function fill(stream: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await addToStream(env.redis, stream, { n: i, kind: 'order' }));
  return ids;
}

describe('createStreamConsumer', () => {
  it('ensureGroup creates the group and stream once, a second call is not an error', async () => {
    const c = createStreamConsumer(env.redis, { stream: env.key('s'), group: 'g', consumer: 'c1' });
    expect(await c.ensureGroup()).toBe(true);
    expect(await c.ensureGroup()).toBe(false);
    expect(await env.redis.exists(env.key('s'))).toBe(1);
    expect(await c.read(10)).toEqual([]);
  });

  it('a consumer killed mid-batch loses nothing: another reclaims its 7 unacked entries with XAUTOCLAIM', async () => {
    const stream = env.key('orders');
    const ids = await fill(stream, 10);
    const [connA, connB] = await env.connectMany(2);
    const a = createStreamConsumer(connA!, { stream, group: 'workers', consumer: 'a' });
    const b = createStreamConsumer(connB!, { stream, group: 'workers', consumer: 'b' });
    await a.ensureGroup();

    const acks = new Map<string, number>();
    const ack = async (c: typeof a, entryIds: string[]) => {
      const n = await c.ack(entryIds);
      for (const id of entryIds) acks.set(id, (acks.get(id) ?? 0) + 1);
      return n;
    };

    const batch = await a.read(10);
    expect(batch.map((e) => e.id)).toEqual(ids);
    expect(batch[4]!.fields).toEqual({ n: '4', kind: 'order' });
    expect(
      await ack(
        a,
        batch.slice(0, 3).map((e) => e.id),
      ),
    ).toBe(3);
    connA!.disconnect(); // killed: the 7 others stay pending under 'a'

    expect(await b.pending()).toEqual({ count: 7, minId: ids[3], maxId: ids[9], consumers: [{ consumer: 'a', count: 7 }] });
    // Entries not yet idle long enough stay with their consumer (it may still be working on them).
    expect(await b.reclaim({ minIdleMs: 60_000 })).toEqual([]);
    expect(await b.read(10)).toEqual([]);

    await sleep(120);
    const idle = await b.pendingEntries({ minIdleMs: 100 });
    expect(idle.map((p) => [p.id, p.consumer, p.deliveries])).toEqual(ids.slice(3).map((id) => [id, 'a', 1]));

    const reclaimed = await b.reclaim({ minIdleMs: 100, count: 100 });
    expect(reclaimed.map((e) => e.id)).toEqual(ids.slice(3));
    expect(reclaimed.map((e) => e.fields.n)).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect((await b.pendingEntries()).map((p) => [p.consumer, p.deliveries])).toEqual(Array(7).fill(['b', 2]));
    expect(
      await ack(
        b,
        reclaimed.map((e) => e.id),
      ),
    ).toBe(7);

    // Every entry acked exactly once, nothing pending.
    expect([...acks.keys()].sort()).toEqual([...ids].sort());
    expect([...acks.values()].every((n) => n === 1)).toBe(true);
    expect(await b.pending()).toEqual({ count: 0, minId: null, maxId: null, consumers: [] });
    expect(await b.reclaim({ minIdleMs: 0 })).toEqual([]);
  });

  it('reclaim follows the XAUTOCLAIM cursor and stops at count', async () => {
    const stream = env.key('many');
    await fill(stream, 30);
    const a = createStreamConsumer(env.redis, { stream, group: 'g', consumer: 'a' });
    const b = createStreamConsumer(env.redis, { stream, group: 'g', consumer: 'b' });
    await a.ensureGroup();
    expect((await a.read(30)).length).toBe(30);
    expect((await b.reclaim({ minIdleMs: 0, count: 12 })).length).toBe(12);
    expect((await b.reclaim({ minIdleMs: 0, count: 100 })).length).toBe(30);
    expect((await b.pending()).consumers).toEqual([{ consumer: 'b', count: 30 }]);
  });

  it('a restarted consumer (same name, new connection) re-reads its unacked entries with readOwnPending', async () => {
    const stream = env.key('restart');
    const ids = await fill(stream, 5);
    const first = await env.connect();
    const before = createStreamConsumer(first, { stream, group: 'g', consumer: 'worker-1' });
    await before.ensureGroup();
    const got = await before.read(5);
    expect(got.length).toBe(5);
    expect(await before.ack([ids[0]!, ids[2]!])).toBe(2);
    first.disconnect();

    const after = createStreamConsumer(await env.connect(), { stream, group: 'g', consumer: 'worker-1' });
    const pending = await after.readOwnPending();
    expect(pending.map((e) => e.id)).toEqual([ids[1], ids[3], ids[4]]);
    expect(pending[1]!.fields).toEqual({ n: '3', kind: 'order' });
    // Paging through the pending list after an id.
    expect((await after.readOwnPending(10, ids[1])).map((e) => e.id)).toEqual([ids[3], ids[4]]);
    // '>' gives only entries never delivered.
    expect(await after.read(10)).toEqual([]);
    const newId = await addToStream(env.redis, stream, { n: 99 });
    expect((await after.read(10)).map((e) => e.id)).toEqual([newId]);

    expect(await after.ack([...pending.map((e) => e.id), newId])).toBe(4);
    expect(await after.readOwnPending()).toEqual([]);
    expect((await after.pending()).count).toBe(0);
  });

  it('pending entries whose payload was trimmed away are acked, not returned', async () => {
    const stream = env.key('trimmed');
    const ids = await fill(stream, 4);
    const c = createStreamConsumer(env.redis, { stream, group: 'g', consumer: 'c' });
    await c.ensureGroup();
    await c.read(4);
    await env.redis.xdel(stream, ids[1]!);
    expect((await c.readOwnPending()).map((e) => e.id)).toEqual([ids[0], ids[2], ids[3]]);
    expect((await c.pending()).count).toBe(3);
  });

  it('6 consumers on 6 connections, blocking reads while a producer writes: 300 entries, each delivered and acked once', async () => {
    const stream = env.key('fan');
    const conns = await env.connectMany(6);
    const consumers = conns.map((conn, i) => createStreamConsumer(conn, { stream, group: 'g', consumer: `c${i}` }));
    await consumers[0]!.ensureGroup('$');
    const delivered = new Map<string, number>();
    let acked = 0;
    let produced = false;
    const stopAt = Date.now() + 8000;
    const producer = (async () => {
      for (let i = 0; i < 300; i++) await addToStream(env.redis, stream, { i });
      produced = true;
    })();
    await Promise.all([
      producer,
      ...consumers.map(async (c) => {
        while (Date.now() < stopAt && !(produced && acked === 300)) {
          const entries = await c.read(7, 50);
          for (const e of entries) delivered.set(e.id, (delivered.get(e.id) ?? 0) + 1);
          // Not `acked += await …`: that reads `acked` before awaiting and loses the other consumers' increments.
          const n = await c.ack(entries.map((e) => e.id));
          acked += n;
        }
      }),
    ]);
    expect(acked).toBe(300);
    expect(delivered.size).toBe(300);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    expect((await consumers[0]!.pending()).count).toBe(0);
  });

  it('ensureGroup with "$" skips history; the default "0" delivers entries added before the group existed', async () => {
    const stream = env.key('history');
    await fill(stream, 3);
    const late = createStreamConsumer(env.redis, { stream, group: 'late', consumer: 'x' });
    const all = createStreamConsumer(env.redis, { stream, group: 'all', consumer: 'x' });
    await late.ensureGroup('$');
    await all.ensureGroup();
    expect(await late.read(10)).toEqual([]);
    expect((await all.read(10)).length).toBe(3);
  });
});

describe('addToStream', () => {
  it('trims approximately with maxLen: at least maxLen entries stay, far fewer than were added', async () => {
    const stream = env.key('capped');
    for (let i = 0; i < 1000; i++) await addToStream(env.redis, stream, { i }, { maxLen: 100 });
    const len = await env.redis.xlen(stream);
    expect(len).toBeGreaterThanOrEqual(100);
    expect(len).toBeLessThan(1000);
    const [[, last]] = await env.redis.xrevrange(stream, '+', '-', 'COUNT', 1);
    expect(last).toEqual(['i', '999']);
  });

  it('reads back through parseStreamReadReply whatever the reply shape', async () => {
    const stream = env.key('shape');
    const id = await addToStream(env.redis, stream, { a: 1, b: 'two' });
    const entry = { id, fields: { a: '1', b: 'two' } };
    expect(parseStreamReadReply(await env.redis.call('XREAD', 'STREAMS', stream, '0'))).toEqual([entry]);
    const raw = [id, ['a', '1', 'b', 'two']];
    expect(parseStreamReadReply([[stream, [raw]]])).toEqual([entry]); // RESP2
    expect(parseStreamReadReply([stream, [raw]])).toEqual([entry]); // RESP3 map, flattened
    expect(parseStreamReadReply({ [stream]: [raw] })).toEqual([entry]); // RESP3 map as an object
    expect(parseStreamReadReply(null)).toEqual([]); // BLOCK timed out
  });

  it('refuses an entry without fields', async () => {
    await expect(addToStream(env.redis, env.key('x'), {})).rejects.toThrow(TypeError);
  });
});
