// Resharding: one slot moved from node-1 to node-3 while four clients write to it (IMPORTING / MIGRATING, GETKEYSINSLOT,
// MIGRATE … KEYS, SETSLOT NODE on both), with ASK shown raw and the writers' MOVED/ASK counted and every acknowledged
// write checked on the new owner. Then the learner moves the {ledger} slot from node-1 to node-2, one side at a time.
import { custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { LabClusterClient } from '../../lab/cluster-client.js';
import { adminCall } from '../../lab/admin.js';
import { countIn, ownersIn, sleep, viewOf, waitUntil } from './lib/cluster-state.js';
import {
  admin,
  errorOf,
  formedOf,
  labOf,
  LIVE_KEYS,
  LIVE_SLOT,
  LIVE_TAG,
  LIVE_WRITERS,
  MOVE_FROM,
  MOVE_KEYS,
  MOVE_SLOT,
  MOVE_TO,
  portOf,
  restore,
  writeKeys,
} from './shared.js';

interface WriterStats {
  acked: number;
  moved: number;
  ask: number;
  retried: number;
  /** key → the value the cluster acknowledged last. */
  expect: Map<string, number>;
}

/** One client writing to the slot until `stop()`: INCR on the preloaded keys, SET of new ones; retries until acked. */
function startWriter(ctx: LessonContext, i: number, stats: WriterStats): { stop: () => Promise<void> } {
  const home = labOf(ctx).node('node-1');
  const client = new LabClusterClient(home.address, (r) => (r.kind === 'MOVED' ? stats.moved++ : stats.ask++));
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      const incr = n % 2 === 0;
      const key = incr
        ? ctx.key(`cluster:{${LIVE_TAG}}:r${(n * LIVE_WRITERS + i) % LIVE_KEYS}`)
        : ctx.key(`cluster:{${LIVE_TAG}}:w${i}:${n}`);
      for (;;) {
        const res = await client.call(incr ? ['INCR', key] : ['SET', key, String(n)]);
        if (res.error === undefined) {
          stats.acked++;
          stats.expect.set(key, incr ? Number(res.reply) : n);
          break;
        }
        stats.retried++;
        await sleep(2);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      client.close();
    },
  };
}

async function reshardLive(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const f = await formedOf(ctx);
  const from = 'node-1';
  const to = 'node-3';
  const fromId = f.ids.get(from)!;
  const toId = f.ids.get(to)!;
  const toPort = portOf(ctx, to);
  const preload: Record<string, string> = {};
  for (let i = 0; i < LIVE_KEYS; i++) preload[`cluster:{${LIVE_TAG}}:r${i}`] = '0';
  await writeKeys(ctx, preload);

  const stats: WriterStats = { acked: 0, moved: 0, ask: 0, retried: 0, expect: new Map() };
  const writers = Array.from({ length: LIVE_WRITERS }, (_, i) => startWriter(ctx, i, stats));
  await sleep(100);
  const ackedBefore = stats.acked;
  const src = await ctx.lab!.client(from);
  const dst = await ctx.lab!.client(to);
  const srcAdmin = await admin(ctx, from);
  const t0 = performance.now();
  await dst.call('CLUSTER', 'SETSLOT', String(LIVE_SLOT), 'IMPORTING', fromId);
  await src.call('CLUSTER', 'SETSLOT', String(LIVE_SLOT), 'MIGRATING', toId);
  let batches = 0;
  let moved = 0;
  let askShown = false;
  for (;;) {
    // The first batch is shown; the rest run unprinted.
    const conn = batches === 0 ? src : srcAdmin;
    const keys = (await conn.call('CLUSTER', 'GETKEYSINSLOT', String(LIVE_SLOT), '50')) as string[];
    if (!keys.length) break;
    await conn.call('MIGRATE', '127.0.0.1', String(toPort), '', '0', '5000', 'KEYS', ...keys);
    batches++;
    moved += keys.length;
    if (!askShown) {
      askShown = true;
      // Raw, as a client without cluster support meets it: node-1 no longer has the key, and says where it is for now.
      const key = keys[0]!;
      const ask = await errorOf(src.get(key));
      const bounce = await errorOf(dst.get(key));
      await dst.call('ASKING');
      const value = await dst.get(key);
      ctx.say(
        `Mid-migration, ${key} is on ${to} already: node-1 answered ${ask ?? '?'} (this once, ask there; the slot is still mine). ` +
          `${to} refused a plain GET (${bounce ?? 'accepted'}): it only serves an importing slot to a client that sends ASKING first. ` +
          `After ASKING: "${String(value)}". The writers below follow the same two hops.`,
      );
    }
  }
  await dst.call('CLUSTER', 'SETSLOT', String(LIVE_SLOT), 'NODE', toId);
  await src.call('CLUSTER', 'SETSLOT', String(LIVE_SLOT), 'NODE', toId);
  // The other primary learns it by gossip anyway; telling it now saves its clients a redirection or two.
  await (await ctx.lab!.client('node-2')).call('CLUSTER', 'SETSLOT', String(LIVE_SLOT), 'NODE', toId);
  const migrateMs = performance.now() - t0;
  await sleep(150);
  await Promise.all(writers.map((w) => w.stop()));

  // Every acknowledged write, read back from the new owner.
  const c = await admin(ctx, to);
  const keys = [...stats.expect.keys()];
  const values = keys.length ? await c.mget(...keys) : [];
  const lost = keys.filter((k, i) => Number(values[i]) !== stats.expect.get(k)).length;
  const onOld = await countIn(portOf(ctx, from), LIVE_SLOT);
  const onNew = await countIn(toPort, LIVE_SLOT);
  ctx.table(
    ['', 'this run'],
    [
      ['slot moved', `${LIVE_SLOT}: ${from} → ${to}`],
      ['keys moved', `${moved} in ${batches} MIGRATE calls, ${Math.round(migrateMs)} ms`],
      ['writes acknowledged', stats.acked],
      ['ASK redirections followed', stats.ask],
      ['MOVED redirections followed', stats.moved],
      ['commands retried', stats.retried],
      [`acknowledged writes missing on ${to}`, lost],
    ],
  );
  ctx.say(
    `${LIVE_WRITERS} clients wrote the whole time (${stats.acked - ackedBefore} writes during and after the move). They met ` +
      `${count(stats.ask, 'ASK')} while the slot was half here, half there, and ${count(stats.moved, 'MOVED')} once it had moved; ` +
      `${lost === 0 ? 'not one acknowledged write is missing' : `${count(lost, 'acknowledged write')} missing`} on ${to}, which holds ` +
      `${onNew} keys of the slot (${onOld} left on ${from}).` +
      (stats.retried ? ` ${count(stats.retried, 'command')} got TRYAGAIN or an error and were retried.` : ''),
  );
}

// ── The exercises: the {ledger} slot from node-1 to node-2 ───────────────────────────────────────────────────────

async function ledgerKeys(ctx: LessonContext): Promise<void> {
  await restore(ctx);
  const pairs: Record<string, string> = {};
  MOVE_KEYS.forEach((k, i) => (pairs[k] = String(100 * (i + 1))));
  await writeKeys(ctx, pairs);
}

async function importOpened(ctx: LessonContext): Promise<void> {
  await ledgerKeys(ctx);
  const f = await formedOf(ctx);
  await adminCall(portOf(ctx, MOVE_TO), ['CLUSTER', 'SETSLOT', MOVE_SLOT, 'IMPORTING', f.ids.get(MOVE_FROM)!]);
}

async function keysMigrated(ctx: LessonContext): Promise<void> {
  await importOpened(ctx);
  const f = await formedOf(ctx);
  const from = portOf(ctx, MOVE_FROM);
  await adminCall(from, ['CLUSTER', 'SETSLOT', MOVE_SLOT, 'MIGRATING', f.ids.get(MOVE_TO)!]);
  await adminCall(from, ['MIGRATE', '127.0.0.1', portOf(ctx, MOVE_TO), '', 0, 5000, 'KEYS', ...MOVE_KEYS.map((k) => ctx.key(k))]);
}

/** What the two sides say about the slot: its owner in each view, their open-migration markers, keys on each. */
async function sides(ctx: LessonContext) {
  const f = await formedOf(ctx);
  const [fromView, toView] = await Promise.all([viewOf(portOf(ctx, MOVE_FROM)), viewOf(portOf(ctx, MOVE_TO))]);
  const me = (v: typeof fromView) => v.find((l) => l.flags.includes('myself'))!;
  const ownerIn = (v: typeof fromView) => f.names.get(ownersIn(v)[MOVE_SLOT] ?? '') ?? 'nobody';
  return {
    f,
    fromOwner: ownerIn(fromView),
    toOwner: ownerIn(toView),
    migrating: me(fromView).migrating.get(MOVE_SLOT),
    importing: me(toView).importing.get(MOVE_SLOT),
    onFrom: await countIn(portOf(ctx, MOVE_FROM), MOVE_SLOT),
    onTo: await countIn(portOf(ctx, MOVE_TO), MOVE_SLOT),
  };
}

const N = MOVE_KEYS.length;

async function importIsOpen(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const s = await sides(ctx);
  if (s.toOwner === MOVE_TO || s.fromOwner === MOVE_TO) {
    return {
      pass: false,
      actual:
        `${MOVE_TO} took slot ${MOVE_SLOT} before any key moved: ${MOVE_FROM} holds ${s.onFrom} of the ${N} keys, ${MOVE_TO} ${s.onTo}` +
        (s.onFrom < N ? ` (${MOVE_FROM} deleted its copies when it saw a newer owner claim the slot: they are gone)` : ''),
    };
  }
  if (s.importing !== s.f.ids.get(MOVE_FROM))
    return {
      pass: false,
      actual: `${MOVE_TO} is not importing slot ${MOVE_SLOT}${s.importing ? ` from ${s.f.names.get(s.importing)}` : ''}`,
    };
  if (s.onFrom !== N) return { pass: false, actual: `${MOVE_FROM} holds ${s.onFrom} of the ${N} keys` };
  return { pass: true, actual: `${MOVE_TO} shows [${MOVE_SLOT}-<-${MOVE_FROM}], slot still served by ${MOVE_FROM} with its ${N} keys` };
}

async function keysMoved(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const s = await sides(ctx);
  if (s.fromOwner !== MOVE_FROM) {
    return {
      pass: false,
      actual:
        `${MOVE_FROM} already handed slot ${MOVE_SLOT} to ${s.fromOwner} while ${MOVE_TO}, still importing, thinks ${s.toOwner} serves it: ` +
        `${MOVE_FROM} answers MOVED to ${MOVE_TO}, which answers MOVED back. The target claims the slot first (next exercise)`,
    };
  }
  if (s.migrating !== s.f.ids.get(MOVE_TO)) {
    const gone =
      s.onFrom < N ? `: ${N - s.onFrom} keys left ${MOVE_FROM}, and a client asking ${MOVE_FROM} for them now gets (nil), not an ASK` : '';
    return { pass: false, actual: `${MOVE_FROM} is not MIGRATING slot ${MOVE_SLOT} to ${MOVE_TO}${gone}` };
  }
  if (s.onFrom !== 0 || s.onTo !== N)
    return { pass: false, actual: `${MOVE_FROM} still holds ${s.onFrom} of the slot's keys, ${MOVE_TO} ${s.onTo} of ${N}` };
  return { pass: true, actual: `${MOVE_FROM} shows [${MOVE_SLOT}->-${MOVE_TO}], 0 keys left on it, ${N} on ${MOVE_TO}` };
}

async function slotHandedOver(ctx: LessonContext): Promise<{ pass: boolean; actual: string }> {
  const lab = labOf(ctx);
  const f = await formedOf(ctx);
  const claimed = ctx.history.some(
    (c) =>
      !c.error && c.args.length === 5 && /^SETSLOT$/i.test(c.args[1]!) && /^NODE$/i.test(c.args[3]!) && c.args[4] === f.ids.get(MOVE_TO),
  );
  let last = '';
  const probe = async () => {
    const s = await sides(ctx);
    if (s.importing) return (last = `${MOVE_TO} still shows slot ${MOVE_SLOT} importing from ${MOVE_FROM}`);
    if (s.toOwner !== MOVE_TO)
      return (last = `${MOVE_TO} says ${s.toOwner} serves slot ${MOVE_SLOT}; its ${s.onTo} keys there are unreachable`);
    for (const n of lab.nodes) {
      const owner = f.names.get(ownersIn(await viewOf(n.port))[MOVE_SLOT] ?? '');
      if (owner !== MOVE_TO) return (last = `${n.name} still sends slot ${MOVE_SLOT} to ${owner ?? 'nobody'}`);
    }
    if (s.onTo !== N) return (last = `${MOVE_TO} holds ${s.onTo} of the ${N} keys`);
    return null;
  };
  // The claim spreads by gossip within a second or two: wait for it only when the learner sent a SETSLOT.
  const why = await waitUntil(probe, claimed ? 4000 : 0);
  if (why !== null) return { pass: false, actual: last || why };
  // What a client loading the map reads: CLUSTER SHARDS (node-3's answer, a node outside the move).
  const shardOwner = await shardServing(ctx, MOVE_SLOT, 'node-3');
  if (shardOwner !== MOVE_TO)
    return { pass: false, actual: `CLUSTER SHARDS on node-3 lists slot ${MOVE_SLOT} under ${shardOwner ?? 'no shard'}` };
  const value = await (await admin(ctx, MOVE_TO)).get(ctx.key(MOVE_KEYS[0]!));
  return {
    pass: true,
    actual: `every node sends slot ${MOVE_SLOT} to ${MOVE_TO} (CLUSTER SHARDS on node-3 too), which serves its ${N} keys (${ctx.key(MOVE_KEYS[0]!)} = ${value})`,
  };
}

/** The primary of the shard whose slot ranges hold `slot`, in `asked`'s CLUSTER SHARDS. */
async function shardServing(ctx: LessonContext, slot: number, asked: string): Promise<string | null> {
  const reply = await adminCall(portOf(ctx, asked), ['CLUSTER', 'SHARDS']);
  if (!Array.isArray(reply)) return null;
  for (const shard of reply) {
    if (!Array.isArray(shard)) continue;
    const ranges = shard[shard.indexOf('slots') + 1];
    const nodes = shard[shard.indexOf('nodes') + 1];
    if (!Array.isArray(ranges) || !Array.isArray(nodes)) continue;
    let holds = false;
    for (let i = 0; i + 1 < ranges.length; i += 2) if (slot >= Number(ranges[i]) && slot <= Number(ranges[i + 1])) holds = true;
    if (!holds) continue;
    for (const n of nodes) {
      if (!Array.isArray(n)) continue;
      const field = (k: string) => n[n.indexOf(k) + 1];
      if (field('role') === 'master') return labOf(ctx).nodes.find((x) => x.port === Number(field('port')))?.name ?? null;
    }
  }
  return null;
}

/** close-source: the docs' step 5, on node-1, after the learner's claim on node-2 (made here first if it was skipped). */
async function closeSource(ctx: LessonContext): Promise<void> {
  const f = await formedOf(ctx);
  const s = await sides(ctx);
  if (s.toOwner !== MOVE_TO || s.onTo !== N) {
    ctx.say(`(${MOVE_TO} does not serve slot ${MOVE_SLOT} with its ${N} keys yet: the lesson moves it first, as in the exercises.)`);
    await keysMigrated(ctx);
    await adminCall(portOf(ctx, MOVE_TO), ['CLUSTER', 'SETSLOT', MOVE_SLOT, 'NODE', f.ids.get(MOVE_TO)!]);
  }
  const before = (await viewOf(portOf(ctx, MOVE_FROM))).find((l) => l.flags.includes('myself'))!;
  const stale = before.migrating.has(MOVE_SLOT);
  const src = await ctx.lab!.client(MOVE_FROM);
  await src.call('CLUSTER', 'SETSLOT', String(MOVE_SLOT), 'NODE', f.ids.get(MOVE_TO)!);
  const after = (await viewOf(portOf(ctx, MOVE_FROM))).find((l) => l.flags.includes('myself'))!;
  const client = new LabClusterClient(labOf(ctx).node(MOVE_FROM).address);
  try {
    const r = await client.call(['GET', ctx.key(MOVE_KEYS[0]!)]);
    ctx.say(
      `Before: ${MOVE_FROM} had learned the new owner by gossip, but still showed [${MOVE_SLOT}->-…] ` +
        `${stale ? '(its MIGRATING mark, left open)' : '(already closed)'}. After its own SETSLOT … NODE: ` +
        `${after.migrating.has(MOVE_SLOT) ? 'still open' : 'closed'}. A client starting at ${MOVE_FROM} now gets ` +
        `${r.error !== undefined ? r.error : `"${String(r.reply)}" from ${r.address === labOf(ctx).node(MOVE_TO).address ? MOVE_TO : r.address}`} after one MOVED. ` +
        'redis-cli --cluster reshard (and --cluster rebalance) runs this whole sequence slot by slot, with the same commands.',
    );
  } finally {
    client.close();
  }
}

const ID_FROM = `{id:${MOVE_FROM}}`;
const ID_TO = `{id:${MOVE_TO}}`;
const keyList = MOVE_KEYS.map((k) => `{ns}${k}`).join(' ');

export const reshardSteps: StepSpec[] = [
  { id: 'reshard-live', kind: 'code', run: reshardLive },
  {
    id: 'import-slot',
    kind: 'exercise',
    points: 2,
    node: MOVE_TO,
    setup: ledgerKeys,
    check: expanded(
      custom(`${MOVE_TO} importing slot ${MOVE_SLOT} from ${MOVE_FROM}, which still serves it with its ${N} keys`, importIsOpen),
    ),
    hints: [
      `The target opens the door first: it must accept keys of a slot it does not own yet. Your prompt is on ${MOVE_TO}; ${MOVE_FROM}'s id is in CLUSTER NODES.`,
      `CLUSTER SETSLOT ${MOVE_SLOT} IMPORTING <${MOVE_FROM}'s node id>   (here: CLUSTER SETSLOT ${MOVE_SLOT} IMPORTING ${ID_FROM})`,
    ],
    solution: [`CLUSTER SETSLOT ${MOVE_SLOT} IMPORTING ${ID_FROM}`],
    wrong: [
      // Claiming the slot with no keys moved: the keys stay behind on node-1 (and node-1 may drop them).
      [`CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_TO}`],
      // The source's half, typed on the target.
      [`CLUSTER SETSLOT ${MOVE_SLOT} MIGRATING ${ID_FROM}`],
    ],
  },
  {
    id: 'migrate-keys',
    kind: 'exercise',
    points: 3,
    node: MOVE_FROM,
    setup: importOpened,
    check: expanded(
      custom(`${MOVE_FROM} MIGRATING slot ${MOVE_SLOT} to ${MOVE_TO}, all ${N} keys moved, slot not handed over yet`, keysMoved),
    ),
    hints: [
      `Mark the slot MIGRATING on ${MOVE_FROM} first, so a client asking for a key that has already left gets an ASK instead of (nil). Then list the slot's keys and move them in one MIGRATE.`,
      `CLUSTER SETSLOT ${MOVE_SLOT} MIGRATING ${ID_TO} · CLUSTER GETKEYSINSLOT ${MOVE_SLOT} 10 · MIGRATE 127.0.0.1 {port:${MOVE_TO}} "" 0 5000 KEYS <key> <key> …`,
    ],
    solution: [
      `CLUSTER SETSLOT ${MOVE_SLOT} MIGRATING ${ID_TO}`,
      `CLUSTER GETKEYSINSLOT ${MOVE_SLOT} 10`,
      `MIGRATE 127.0.0.1 {port:${MOVE_TO}} "" 0 5000 KEYS ${keyList}`,
    ],
    wrong: [
      // Keys moved with no MIGRATING mark: node-1 answers (nil) for them until the hand-over.
      [`MIGRATE 127.0.0.1 {port:${MOVE_TO}} "" 0 5000 KEYS ${keyList}`],
      // Handing the slot over instead of moving the keys: refused while node-1 holds them.
      [`CLUSTER SETSLOT ${MOVE_SLOT} MIGRATING ${ID_TO}`, `CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_TO}`],
      // The source gives the slot away before the target has claimed it: clients bounce between the two.
      [
        `CLUSTER SETSLOT ${MOVE_SLOT} MIGRATING ${ID_TO}`,
        `MIGRATE 127.0.0.1 {port:${MOVE_TO}} "" 0 5000 KEYS ${keyList}`,
        `CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_TO}`,
      ],
    ],
  },
  {
    id: 'hand-over',
    kind: 'exercise',
    points: 2,
    node: MOVE_TO,
    setup: keysMigrated,
    check: expanded(custom(`every node sends slot ${MOVE_SLOT} to ${MOVE_TO}, which holds its ${N} keys`, slotHandedOver)),
    hints: [
      `The keys are on ${MOVE_TO}, which is still only importing. The target claims the slot itself: that bumps its config epoch, so its claim wins everywhere.`,
      `CLUSTER SETSLOT ${MOVE_SLOT} NODE <${MOVE_TO}'s own id>   (here: CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_TO})`,
    ],
    solution: [`CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_TO}`],
    wrong: [
      // Cancelling the import: the keys stay on node-2, in a slot it does not serve.
      [`CLUSTER SETSLOT ${MOVE_SLOT} STABLE`],
      // Giving it back to the source, which has no keys left.
      [`CLUSTER SETSLOT ${MOVE_SLOT} NODE ${ID_FROM}`],
    ],
  },
  { id: 'close-source', kind: 'code', run: closeSource },
];
