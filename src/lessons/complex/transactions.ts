// The complex lesson's batching and transaction steps: round trips vs pipelines vs MULTI, WATCH and its retries,
// a read-modify-write race, and a transfer the learner wraps in MULTI/EXEC.
import { all, stringEquals } from '../../engine/checks.js';
import { retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { RaceSpec } from '../../engine/prose.js';
import { incrementBatch, type BatchRun, type BatchWay } from './lib/batching.js';
import { transfer, watchedHashIncrement } from '../../patterns/index.js';
import { oneTransaction } from './checks.js';

/** How many INCRs each way of batching sends, and how many runs of each the table keeps the best of. */
export const BATCH_SIZE = 500;
export const BATCH_REPEATS = 3;
/** The race: this many clients, each adding a point this many times. */
export const RACE_CLIENTS = 50;
export const RACE_ROUNDS = 4;

const TRANSFER_SETUP = ['DEL {ns}account:carol {ns}account:dave', 'SET {ns}account:carol 100', 'SET {ns}account:dave 20'];

/** What a race variant counts while it runs: the WATCH variant's attempts, reported by its measure. */
interface KarmaRace {
  attempts: number;
}

const raceKarma: RaceSpec<KarmaRace> = {
  id: 'race-karma',
  kind: 'race',
  clients: RACE_CLIENTS,
  state: () => ({ attempts: 0 }),
  variants: [
    {
      label: 'HGET + HSET (no WATCH)',
      atomic: false,
      async setup(ctx) {
        await ctx.claim([ctx.key('race:naive')]);
        await ctx.redis.hset(ctx.key('race:naive'), 'karma', 0);
      },
      async worker(client, _i, ctx) {
        const key = ctx.key('race:naive');
        for (let r = 0; r < RACE_ROUNDS; r++) {
          const v = Number(await client.hget(key, 'karma'));
          await client.hset(key, 'karma', v + 1);
        }
      },
      async measure(ctx) {
        const actual = Number(await ctx.unrecorded.hget(ctx.key('race:naive'), 'karma'));
        return { expected: RACE_CLIENTS * RACE_ROUNDS, actual, unit: 'points' };
      },
    },
    {
      label: 'WATCH + MULTI/EXEC, retry on nil',
      atomic: true,
      async setup(ctx) {
        await ctx.claim([ctx.key('race:watch')]);
        await ctx.redis.hset(ctx.key('race:watch'), 'karma', 0);
      },
      async worker(client, _i, ctx, state) {
        const key = ctx.key('race:watch');
        for (let r = 0; r < RACE_ROUNDS; r++) {
          const res = await watchedHashIncrement(client, key, 'karma', 1, { jitterMs: 3 });
          state.attempts += res.attempts;
        }
      },
      async measure(ctx, state) {
        const actual = Number(await ctx.unrecorded.hget(ctx.key('race:watch'), 'karma'));
        const commits = RACE_CLIENTS * RACE_ROUNDS;
        ctx.say(
          `WATCH lost nothing, but needed ${state.attempts} attempts for ${commits} commits ` +
            `(${(state.attempts / commits).toFixed(1)} per commit): that is the price of optimism under contention.`,
        );
        return { expected: commits, actual, unit: 'points' };
      },
    },
    {
      label: 'HINCRBY (one atomic command)',
      atomic: true,
      async setup(ctx) {
        await ctx.claim([ctx.key('race:hincrby')]);
        await ctx.redis.hset(ctx.key('race:hincrby'), 'karma', 0);
      },
      async worker(client, _i, ctx) {
        for (let r = 0; r < RACE_ROUNDS; r++) await client.hincrby(ctx.key('race:hincrby'), 'karma', 1);
      },
      async measure(ctx) {
        const actual = Number(await ctx.unrecorded.hget(ctx.key('race:hincrby'), 'karma'));
        return { expected: RACE_CLIENTS * RACE_ROUNDS, actual, unit: 'points' };
      },
    },
  ],
};

export const transactionSteps: StepSpec[] = [
  {
    id: 'round-trips',
    kind: 'code',
    async run(ctx) {
      const ways: BatchWay[] = ['round-trips', 'multi-unpipelined', 'pipeline', 'multi-pipelined'];
      const keys = ways.map((w) => ctx.key(`rt:${w}`));
      await ctx.claim(keys);

      // Warm up the code paths on the quiet connection so the first way measured is not penalised.
      for (let i = 0; i < ways.length; i++) await incrementBatch(ctx.unrecorded, keys[i]!, 50, ways[i]!);

      const best: BatchRun[] = [];
      for (let rep = 0; rep < BATCH_REPEATS; rep++) {
        for (let i = 0; i < ways.length; i++) {
          await ctx.unrecorded.del(keys[i]!);
          const run = await incrementBatch(ctx.redis, keys[i]!, BATCH_SIZE, ways[i]!);
          if (!best[i] || run.ms < best[i]!.ms) best[i] = run;
        }
      }
      const base = best[0]!.ms;
      ctx.table(
        ['way', 'round trips', 'atomic', 'total ms', 'µs / command', 'speed-up'],
        best.map((r) => [
          r.way,
          r.roundTrips,
          r.atomic ? 'yes' : 'no',
          r.ms.toFixed(1),
          ((r.ms * 1000) / r.commands).toFixed(1),
          `${(base / r.ms).toFixed(1)}×`,
        ]),
      );
      const counts = await ctx.redis.mget(...keys);
      ctx.say(`Same result every way: the four counters read ${counts.join(', ')}.`);
      ctx.say(
        `Here a round trip costs about ${Math.round((base * 1000) / BATCH_SIZE)} µs: client and server share a machine. ` +
          `Across a real network (0.5–1 ms inside a data centre) ${BATCH_SIZE} round trips alone would take ` +
          `${BATCH_SIZE / 2}–${BATCH_SIZE} ms, and the pipelined ways would win by far more than they do here.`,
      );
      ctx.say(
        'MULTI buys atomicity, not speed. Pipelining buys speed, not atomicity. And neither rolls back: if one ' +
          'command in EXEC fails (say, INCR on a hash), the others still apply.',
      );
    },
  },
  {
    id: 'watch-conflict',
    kind: 'code',
    async run(ctx) {
      const alice = ctx.key('account:alice');
      const bob = ctx.key('account:bob');
      await ctx.claim([alice, bob]);
      await ctx.redis.mset(alice, 100, bob, 50);
      const [b] = await ctx.clients(1);

      await ctx.redis.watch(alice, bob);
      const [a0, b0] = (await ctx.redis.mget(alice, bob)).map(Number) as [number, number];
      ctx.say(`A watched both accounts and read alice=${a0}, bob=${b0}; it plans alice=${a0 - 30}, bob=${b0 + 30}.`);
      const paid = await b!.incrby(alice, 25);
      ctx.say(`B ▸ INCRBY ${alice} 25 → (integer) ${paid}   (a payment lands between A's read and A's EXEC)`);
      const res = await ctx.redis
        .multi()
        .set(alice, a0 - 30)
        .set(bob, b0 + 30)
        .exec();
      ctx.say(
        `A ▸ EXEC → ${res === null ? '(nil)' : JSON.stringify(res)}. Redis discarded A's whole transaction: alice is ` +
          `still ${await ctx.unrecorded.get(alice)}. Without WATCH, A would have written alice=${a0 - 30} and B's 25 coins ` +
          'would have vanished: a lost update.',
      );
    },
  },
  {
    id: 'watch-retry',
    kind: 'code',
    async run(ctx) {
      const alice = ctx.key('account:alice');
      const bob = ctx.key('account:bob');
      await ctx.claim([alice, bob]);
      const [b] = await ctx.clients(1);
      const start = (await ctx.unrecorded.mget(alice, bob)).map(Number) as [number, number];

      const result = await transfer(ctx.redis, alice, bob, 30, {
        async beforeCommit(attempt) {
          if (attempt !== 1) return;
          const v = await b!.incrby(alice, 5);
          ctx.say(`B ▸ INCRBY ${alice} 5 → (integer) ${v}   (B strikes again during attempt 1)`);
        },
      });
      const [a1, b1] = (await ctx.unrecorded.mget(alice, bob)).map(Number) as [number, number];
      ctx.say(
        `transfer(alice → bob, 30): ${result.status} after ${result.attempts} attempts. alice=${a1}, bob=${b1}: ` +
          `total ${a1 + b1} = ${start[0] + start[1]} + 5 from B. Nothing lost, nothing created.`,
      );
      const tooMuch = await transfer(ctx.redis, bob, alice, 1000);
      ctx.say(`transfer(bob → alice, 1000): ${tooMuch.status}. The plan read bob's ${b1}, refused, and sent UNWATCH.`);
      ctx.say(
        "WATCH belongs to the connection: with a pool shared by concurrent requests, one request's WATCH is " +
          "another's surprise. Under heavy contention retries pile up (the next step counts them); then a Lua " +
          'script or a single atomic command is the better tool.',
      );
    },
  },
  raceKarma,
  {
    id: 'ex-multi-transfer',
    kind: 'exercise',
    points: 3,
    setup: TRANSFER_SETUP,
    check: all(
      stringEquals('account:carol', '70'),
      stringEquals('account:dave', '50'),
      oneTransaction(['account:carol', 'account:dave'], retyped(TRANSFER_SETUP)),
    ),
    hints: [
      'Open a transaction, queue one decrement and one increment (each replies QUEUED), then run them together.',
      'MULTI, DECRBY key decrement, INCRBY key increment, EXEC',
    ],
    solution: ['MULTI', 'DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30', 'EXEC'],
    wrong: [
      ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30'],
      // The transaction typed after the fact wraps nothing.
      ['DECRBY {ns}account:carol 30', 'INCRBY {ns}account:dave 30', 'MULTI', 'EXEC'],
      ['MULTI', 'DECRBY {ns}account:carol 30', 'EXEC', 'MULTI', 'INCRBY {ns}account:dave 30', 'EXEC'],
      // Balances worked out in the client: atomic, but a payment landing before EXEC is overwritten.
      ['MULTI', 'SET {ns}account:carol 70', 'SET {ns}account:dave 50', 'EXEC'],
    ],
  },
];
