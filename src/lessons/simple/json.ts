// Section 5 of the simple lesson: JSON in a string: what one field change costs, and the race it loses to a hash.
import type { StepSpec } from '../../engine/prose.js';
import { bumpHashField, bumpJsonField } from './lib/json-doc.js';
import { loadedModules } from '../../redis/capabilities.js';
import { RACE_CLIENTS, RACE_ROUNDS } from './counters.js';

export const jsonSteps: StepSpec[] = [
  {
    id: 'json-in-string',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key('user:7:json');
      await ctx.claim([key]);
      const doc = { name: 'Ada Lovelace', email: 'ada@example.com', city: 'London', plan: 'pro', visits: 0 };
      await ctx.redis.set(key, JSON.stringify(doc));
      const u = await bumpJsonField(ctx.redis, key, 'visits');
      ctx.say(`to add 1 to "visits" the client downloaded ${u.bytesRead} bytes and uploaded ${u.bytesWritten} bytes`);
      ctx.say('the bigger the document, the more every small change costs; and the GET…SET gap is a race (next step)');
      // The command table answers for modules and for Redis 8, where JSON ships built in.
      const hasJson = ctx.sb.table.has('json.numincrby') || (await loadedModules(ctx.unrecorded)).some((m) => /^(rejson|json)$/i.test(m));
      ctx.say(
        hasJson
          ? 'this server has the JSON module: JSON.NUMINCRBY would change that field on the server, atomically'
          : 'this server has no JSON module (Redis Stack / Redis 8 add one, with JSON.NUMINCRBY on a path); plain strings cannot do that',
      );
    },
  },
  {
    id: 'json-vs-hash',
    kind: 'race',
    clients: RACE_CLIENTS,
    variants: [
      {
        label: 'JSON string: GET, parse, SET',
        atomic: false,
        async setup(ctx) {
          const key = ctx.key('user:7:json');
          await ctx.claim([key]);
          await ctx.redis.set(key, JSON.stringify({ name: 'Ada Lovelace', city: 'London', visits: 0 }));
        },
        async worker(client, _i, ctx) {
          for (let r = 0; r < RACE_ROUNDS; r++) await bumpJsonField(client, ctx.key('user:7:json'), 'visits');
        },
        async measure(ctx) {
          const raw = (await ctx.unrecorded.get(ctx.key('user:7:json'))) ?? '{}';
          const visits = Number((JSON.parse(raw) as { visits?: number }).visits ?? 0);
          return { expected: RACE_CLIENTS * RACE_ROUNDS, actual: visits, unit: 'visits' };
        },
      },
      {
        label: 'hash: HINCRBY one field',
        atomic: true,
        async setup(ctx) {
          const key = ctx.key('user:7');
          await ctx.claim([key]);
          await ctx.redis.hset(key, { name: 'Ada Lovelace', city: 'London', visits: '0' });
        },
        async worker(client, _i, ctx) {
          for (let r = 0; r < RACE_ROUNDS; r++) await bumpHashField(client, ctx.key('user:7'), 'visits');
        },
        async measure(ctx) {
          const visits = Number((await ctx.unrecorded.hget(ctx.key('user:7'), 'visits')) ?? '0');
          return { expected: RACE_CLIENTS * RACE_ROUNDS, actual: visits, unit: 'visits' };
        },
      },
    ],
  },
];
