// The bulk lesson's loading steps: users generated batch by batch, loaded one command at a time, then pipelined.
import { count } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { allIndexKeys, userKey, verifyIndexes } from './lib/indexes.js';
import { loadOneByOne, loadPipelined, rates, type LoadStats } from './lib/loaders.js';
import { memoryInfo } from './lib/memory-layout.js';
import { DEFAULT_SEED, generateUsers, type User } from './lib/users.js';
import { BATCH, bytes, dataMemory, fmt, ms, oneByOneCount, runState } from './shared.js';

/** Loads users [first, first+total) with `load` (pipelined by default), a claimed batch at a time, with a progress bar. */
async function loadRange(
  ctx: LessonContext,
  first: number,
  total: number,
  label: string,
  load: typeof loadPipelined = loadPipelined,
  batchSize = BATCH,
): Promise<LoadStats> {
  const sum: LoadStats = { users: 0, commands: 0, ms: 0 };
  if (total <= 0) return sum;
  const bar = await ctx.progress(total, label);
  try {
    for await (const batch of generateUsers({ total, firstId: first, batchSize })) {
      await ctx.claim(batch.map((u) => userKey(ctx.sb.ns, u.id)));
      const s = await load(ctx.redis, ctx.sb.ns, batch);
      sum.users += s.users;
      sum.commands += s.commands;
      sum.ms += s.ms;
      bar.tick(batch.length);
    }
  } finally {
    bar.stop();
  }
  return sum;
}

export const loadingSteps: StepSpec[] = [
  {
    id: 'generate',
    kind: 'code',
    async run(ctx) {
      const st = runState(ctx);
      const t0 = process.hrtime.bigint();
      let first: User[] = [];
      let n = 0;
      for await (const batch of generateUsers({ total: Math.min(1000, st.records), batchSize: BATCH })) {
        if (!first.length) first = batch.slice(0, 4);
        n += batch.length;
      }
      st.generationMs = Number(process.hrtime.bigint() - t0) / 1e6;
      ctx.table(
        ['id', 'name', 'email', 'city', 'department', 'salary', 'age', 'joined'],
        first.map((u) => [u.id, u.name, u.email, u.city, u.department, u.salary, u.age, u.joined]),
      );
      ctx.say(
        `seed ${DEFAULT_SEED}: generated ${fmt(n)} users in ${ms(st.generationMs)} ` +
          `(${fmt((n * 1000) / st.generationMs)} users/s) — no Redis yet, this is the client's own cost.`,
      );
    },
  },
  {
    id: 'one-by-one',
    kind: 'code',
    async run(ctx) {
      const st = runState(ctx);
      const ns = ctx.sb.ns;
      // Claim the index keys once, up front: every batch writes to them.
      await ctx.claim(allIndexKeys(ns));
      st.before = await dataMemory(ctx);
      const info = await memoryInfo(ctx.unrecorded);
      ctx.say(`INFO memory before loading: used_memory ${fmt(info.used)} (${info.human})`);
      const users = oneByOneCount(st.records);
      const sum = await loadRange(ctx, 1, users, 'one by one', loadOneByOne, 100);
      st.oneByOne = sum;
      const r = rates(sum);
      ctx.say(
        `${fmt(sum.users)} users, ${fmt(sum.commands)} commands, ${fmt(sum.commands)} round trips: ${ms(sum.ms)} ` +
          `→ ${fmt(r.usPerUser)} µs per user, ${fmt(r.usersPerSecond)} users/s ` +
          `(${((sum.ms * 1000) / sum.commands).toFixed(0)} µs per round trip)`,
      );
    },
  },
  {
    id: 'pipelined',
    kind: 'code',
    async run(ctx) {
      const st = runState(ctx);
      const ns = ctx.sb.ns;
      const first = oneByOneCount(st.records) + 1;
      const rest = st.records - first + 1;
      const piped = await loadRange(ctx, first, rest, 'pipelined');
      const one = st.oneByOne;
      const rows: (string | number)[][] = [];
      if (one) {
        const r = rates(one);
        rows.push([
          'one by one',
          fmt(one.users),
          fmt(one.commands),
          fmt(one.commands),
          ms(one.ms),
          fmt(r.usPerUser),
          fmt(r.usersPerSecond),
        ]);
      }
      const rp = rates(piped);
      const trips = Math.ceil(piped.users / BATCH);
      rows.push([
        `pipelined (${BATCH}/batch)`,
        fmt(piped.users),
        fmt(piped.commands),
        fmt(trips),
        ms(piped.ms),
        fmt(rp.usPerUser),
        fmt(rp.usersPerSecond),
      ]);
      ctx.table(['loader', 'users', 'commands', 'round trips', 'time', 'µs/user', 'users/s'], rows);
      if (one && rp.usPerUser > 0) ctx.say(`speed-up per user: ×${(rates(one).usPerUser / rp.usPerUser).toFixed(1)}`);

      const after = await dataMemory(ctx);
      const info = await memoryInfo(ctx.unrecorded);
      if (st.before !== undefined) {
        ctx.say(
          `INFO memory after: used_memory ${fmt(info.used)} (${info.human}); the ${fmt(st.records)} users and their ` +
            `index entries added ${bytes(after - st.before)} ≈ ${fmt((after - st.before) / st.records)} bytes per user.`,
        );
      }
      // A spot check that the loaders kept hashes and indexes in step.
      const sample = Array.from(
        { length: Math.min(200, st.records) },
        (_, i) => 1 + Math.floor((i * st.records) / Math.min(200, st.records)),
      );
      const bad = await verifyIndexes(ctx.unrecorded, ns, sample);
      ctx.say(
        `spot check of ${count(sample.length, 'user')} against the indexes: ${bad.length ? count(bad.length, 'mismatch', 'mismatches') : 'all agree'}.`,
      );
    },
  },
];
