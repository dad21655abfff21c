// Nested JSON: a document as a hash of paths (RedisJSON next to it when the server has it), 20 clients incrementing a
// counter inside a JSON string (lost updates) against the store's incrBy, and an exercise on the hash of paths.
import { custom, ranCommands } from '../../engine/checks.js';
import { count, expanded, fresh } from '../../engine/kit.js';
import type { RaceSpec, StepSpec } from '../../engine/prose.js';
import { incrementJsonNaive } from '../../antipatterns/probabilistic.js';
import { createJsonStore, type JsonObject } from '../../patterns/index.js';
import { coreOnly, JSON_RACE_CLIENTS, JSON_RACE_INCREMENTS, modulesOf, RACE_DOC, USER7_HASH } from './shared.js';

const DOC = 'probabilistic:json:user-42';
const DOC_MODULE = 'probabilistic:json:user-42-doc';
const RACE_STRING = 'probabilistic:json:race-string';
const RACE_STORE = 'probabilistic:json:race-doc';
const USER7 = 'probabilistic:json:user-7';

const PROFILE: JsonObject = {
  name: 'Ada',
  address: { city: 'Paris', zip: '75001' },
  prefs: { theme: 'dark', langs: ['en', 'fr'] },
  stats: { logins: 41, score: 4.5 },
};

/** JSON with every object's keys sorted: the two backends keep members in different orders. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The same changes on either backend: what the step shows, and what the module run is compared with. */
async function editProfile(store: Awaited<ReturnType<typeof createJsonStore>>, key: string): Promise<unknown> {
  await store.setPath(key, 'address.city', 'Lyon');
  await store.incrBy(key, 'stats.logins', 1);
  await store.delete(key, 'prefs.theme');
  return store.get(key);
}

const jsonRace: RaceSpec<undefined> = {
  id: 'json-race',
  kind: 'race',
  clients: JSON_RACE_CLIENTS,
  variants: [
    {
      label: 'GET, parse, +1, SET (JSON string)',
      atomic: false,
      async setup(ctx) {
        const key = ctx.key(RACE_STRING);
        await ctx.claim([key]);
        await ctx.unrecorded.set(key, JSON.stringify(RACE_DOC));
      },
      async worker(client, _i, ctx) {
        for (let n = 0; n < JSON_RACE_INCREMENTS; n++) await incrementJsonNaive(client, ctx.key(RACE_STRING), 'stats.logins');
      },
      async measure(ctx) {
        const doc = JSON.parse((await ctx.unrecorded.get(ctx.key(RACE_STRING))) ?? '{}') as typeof RACE_DOC;
        const expected = JSON_RACE_CLIENTS * JSON_RACE_INCREMENTS;
        ctx.say(
          `JSON string: stats.logins = ${doc.stats.logins}, ${count(expected - doc.stats.logins, 'login')} lost: each SET wrote back a document read before other clients' SETs`,
        );
        return { expected, actual: doc.stats.logins, unit: 'logins' };
      },
    },
    {
      label: 'store.incrBy (one step on the server)',
      atomic: true,
      async setup(ctx) {
        const key = ctx.key(RACE_STORE);
        await ctx.claim([key]);
        await ctx.unrecorded.unlink(key);
        await (await createJsonStore(ctx.unrecorded)).set(key, RACE_DOC);
      },
      async worker(client, _i, ctx) {
        const store = await createJsonStore(client);
        for (let n = 0; n < JSON_RACE_INCREMENTS; n++) await store.incrBy(ctx.key(RACE_STORE), 'stats.logins', 1);
      },
      async measure(ctx) {
        const store = await createJsonStore(ctx.unrecorded);
        const logins = Number(await store.get(ctx.key(RACE_STORE), 'stats.logins'));
        ctx.say(
          `${store.backend === 'module' ? 'RedisJSON (JSON.NUMINCRBY)' : 'hash of paths (HINCRBY in a script)'}: stats.logins = ${logins}`,
        );
        return { expected: JSON_RACE_CLIENTS * JSON_RACE_INCREMENTS, actual: logins, unit: 'logins' };
      },
    },
  ],
};

/** The fields of user-7 other than the two the exercise changes: they must come through untouched. */
const UNTOUCHED = Object.entries(USER7_HASH).filter(([f]) => f !== 'stats.logins' && f !== 'address.city');

export const jsonSteps: StepSpec[] = [
  {
    id: 'json-doc',
    kind: 'code',
    async run(ctx) {
      const key = ctx.key(DOC);
      const moduleKey = ctx.key(DOC_MODULE);
      await ctx.claim([key, moduleKey]);
      await ctx.unrecorded.unlink(key, moduleKey);
      const store = await createJsonStore(ctx.redis, { backend: 'core' });
      await store.set(key, PROFILE);
      // get reads the whole hash (HGETALL) and rebuilds the document: the printed reply shows the paths.
      await store.get(key, 'address.city');
      const core = await editProfile(store, key);
      ctx.say(`after setPath, incrBy and delete: ${JSON.stringify(core)}`);
      const modules = await modulesOf(ctx);
      if (modules.json) {
        const json = await createJsonStore(ctx.redis, { backend: 'module' });
        await json.set(moduleKey, PROFILE);
        const mod = await editProfile(json, moduleKey);
        ctx.say(
          `RedisJSON after the same changes: ${JSON.stringify(mod)} (${canonical(mod) === canonical(core) ? 'the same document' : 'differs from the hash'})`,
        );
      } else coreOnly(ctx, 'json', "JSON.SET key $ '{…}', JSON.NUMINCRBY key $.stats.logins 1, JSON.GET key $.address.city");
    },
  },
  jsonRace,
  {
    id: 'json-paths',
    kind: 'exercise',
    points: 3,
    setup: (ctx) => fresh(ctx, [USER7], (k) => ctx.unrecorded.hset(k(USER7), USER7_HASH)),
    check: expanded(
      custom(`{ns}${USER7}: stats.logins = 42 by HINCRBY, address.city = "Lyon" as JSON, the other paths untouched`, async (ctx) => {
        const key = ctx.key(USER7);
        const type = await ctx.unrecorded.type(key);
        if (type === 'string') {
          return {
            pass: false,
            actual: `${key} is a JSON string now: every change is GET, edit, SET again, the race above`,
          };
        }
        if (type !== 'hash') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
        const doc = await ctx.unrecorded.hgetall(key);
        const changed = UNTOUCHED.filter(([f, v]) => doc[f] !== v).map(([f]) => (f === '' ? 'the root marker ""' : f));
        if (changed.length) return { pass: false, actual: `${changed.join(', ')} changed or went missing: change only the two paths` };
        const extra = Object.keys(doc).filter((f) => !(f in USER7_HASH));
        if (extra.length) {
          return {
            pass: false,
            actual: `new field ${extra.join(', ')}: each leaf has its own field named by its whole path, e.g. address.city`,
          };
        }
        const city = doc['address.city'];
        if (city !== '"Lyon"') {
          return {
            pass: false,
            actual:
              city === 'Lyon'
                ? 'address.city = Lyon without quotes: the store parses every leaf as JSON, and Lyon is not JSON; store "Lyon" (type it as \'"Lyon"\')'
                : `address.city = ${city ?? '(nil)'}, want "Lyon" (with its quotes)`,
          };
        }
        const logins = doc['stats.logins'];
        if (logins !== '42') return { pass: false, actual: `stats.logins = ${logins ?? '(nil)'}, want 42` };
        const written = ranCommands(ctx.history).find(
          (c) =>
            /^(HSET|HMSET|HSETNX)$/.test(c.name) &&
            c.args[1] === key &&
            c.args.slice(2).some((a, i) => i % 2 === 0 && a === 'stats.logins'),
        );
        if (written) {
          return {
            pass: false,
            actual: `stats.logins = 42, but ${written.name} wrote a number your client computed: two logins at the same moment would both write 42. HINCRBY adds on the server`,
          };
        }
        return { pass: true, actual: 'stats.logins = 42 (HINCRBY), address.city = "Lyon", the rest untouched' };
      }),
    ),
    hints: [
      'Each path is a field of the hash. A number is changed in place on the server; a string leaf is stored as JSON, quotes included.',
      `HINCRBY key field increment · HSET key field value   (the value '"Lyon"' in single quotes keeps the double quotes)`,
    ],
    solution: [`HINCRBY {ns}${USER7} stats.logins 1`, `HSET {ns}${USER7} address.city '"Lyon"'`],
    wrong: [
      // The new count computed in the client: a read-modify-write, as in the race.
      [`HGET {ns}${USER7} stats.logins`, `HSET {ns}${USER7} stats.logins 42 address.city '"Lyon"'`],
      // Lyon without its JSON quotes.
      [`HINCRBY {ns}${USER7} stats.logins 1`, `HSET {ns}${USER7} address.city Lyon`],
      // The whole document rewritten as a JSON string.
      [
        `DEL {ns}${USER7}`,
        `SET {ns}${USER7} '{"name":"Lin","address":{"city":"Lyon","zip":"75001"},"stats":{"logins":42},"tags":["admin","beta"]}'`,
      ],
      // The parent written as one field: address.city keeps Paris beside it.
      [`HINCRBY {ns}${USER7} stats.logins 1`, `HSET {ns}${USER7} address '{"city":"Lyon","zip":"75001"}'`],
    ],
  },
];
