// The complex lesson's hash steps: a profile in one key, what it saves against one key per field, in-place updates.
import { all, hashHas, hashLacks, lengthIs, writtenOnlyBy } from '../../engine/checks.js';
import { encodingOf, formatBytes, retyped } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { fieldKeys, memoryOf, saveProfileAsHash, saveProfileAsKeys, type Profile } from './lib/profile-storage.js';
import { oneHashWrite } from './checks.js';

/** How many profiles the memory comparison writes in each layout. */
export const MEMORY_USERS = 100;

const CITIES = ['Lisbon', 'Oslo', 'Nairobi', 'Osaka', 'Lima', 'Tunis', 'Perth', 'Quebec'];
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];

/** A small, deterministic profile: the memory comparison should not depend on random data. */
function profileFor(i: number): Profile {
  const first = FIRST[i % FIRST.length]!;
  return {
    name: `${first} ${String.fromCharCode(65 + (i % 26))}.`,
    email: `${first.toLowerCase()}${i}@example.com`,
    city: CITIES[i % CITIES.length]!,
    plan: i % 3 === 0 ? 'pro' : 'free',
    joined: String(1_700_000_000 + i * 86_400),
  };
}

async function configValue(ctx: LessonContext, name: string, fallback: string): Promise<{ value: string; read: boolean }> {
  try {
    // RESP2 replies [name, value]; a RESP3 map may arrive as an object.
    const res = (await ctx.unrecorded.call('CONFIG', 'GET', name)) as string[] | Record<string, string>;
    const value = Array.isArray(res) ? res[1] : res[name];
    return value !== undefined ? { value: String(value), read: true } : { value: fallback, read: false };
  } catch {
    // Managed services often rename or forbid CONFIG: the default is then the best guess.
    return { value: fallback, read: false };
  }
}

const HASH_CREATE_SETUP = ['DEL {ns}user:2001'];
const HASH_UPDATE_SETUP = ['DEL {ns}user:2002', 'HSET {ns}user:2002 name Margaret karma 41 reset_token 7f3a9c'];

export const hashSteps: StepSpec[] = [
  {
    id: 'hash-basics',
    kind: 'run',
    commands: [
      'HSET {ns}user:1000 name "Grace Hopper" email grace@example.com city Arlington visits 0',
      'HGET {ns}user:1000 name',
      'HMGET {ns}user:1000 name city phone',
      'HINCRBY {ns}user:1000 visits 1',
      'HDEL {ns}user:1000 email',
      'HEXISTS {ns}user:1000 email',
      'HLEN {ns}user:1000',
      'HGETALL {ns}user:1000',
    ],
  },
  {
    id: 'hash-memory',
    kind: 'code',
    async run(ctx) {
      const profiles = Array.from({ length: MEMORY_USERS }, (_, i) => profileFor(i + 1));
      const hashKeys = profiles.map((_, i) => ctx.key(`mem:hash:${i + 1}`));
      const prefixes = profiles.map((_, i) => ctx.key(`mem:str:${i + 1}`));
      const stringKeys = profiles.flatMap((p, i) => fieldKeys(prefixes[i]!, p));
      await ctx.claim([...hashKeys, ...stringKeys]);

      // User 1 on the recorded connection, so both shapes are on screen; the rest in one quiet pipeline.
      await saveProfileAsHash(ctx.redis, hashKeys[0]!, profiles[0]!);
      await saveProfileAsKeys(ctx.redis, prefixes[0]!, profiles[0]!);
      const p = ctx.unrecorded.pipeline();
      for (let i = 1; i < profiles.length; i++) {
        p.hset(hashKeys[i]!, profiles[i]!);
        p.mset(Object.fromEntries(Object.entries(profiles[i]!).map(([f, v]) => [`${prefixes[i]}:${f}`, v])));
      }
      await p.exec();
      ctx.say(`Users 2..${MEMORY_USERS} were written the same way on a second connection (not printed).`);

      const hashBytes = await memoryOf(ctx.unrecorded, hashKeys);
      const stringBytes = await memoryOf(ctx.unrecorded, stringKeys);
      const hashEnc = await encodingOf(ctx, hashKeys[0]!);
      const stringEnc = await encodingOf(ctx, stringKeys[0]!);
      ctx.table(
        ['layout', 'keys', 'MEMORY USAGE total', 'per user', 'encoding'],
        [
          ['one hash per user', hashKeys.length, formatBytes(hashBytes), formatBytes(Math.round(hashBytes / MEMORY_USERS)), hashEnc],
          [
            'one string key per field',
            stringKeys.length,
            formatBytes(stringBytes),
            formatBytes(Math.round(stringBytes / MEMORY_USERS)),
            stringEnc,
          ],
        ],
      );
      const ratio = stringBytes / hashBytes;
      ctx.say(
        ratio > 1
          ? `One key per field takes ${ratio.toFixed(1)}× the memory of one hash per user, for the same data.`
          : `Here the hashes took ${(1 / ratio).toFixed(1)}× the memory of separate keys: check the encodings above.`,
      );

      // Past hash-max-listpack-value (or -entries) the hash becomes a real hash table, and never goes back.
      const limit = await configValue(ctx, 'hash-max-listpack-value', '64');
      const max = Number(limit.value) || 64;
      // User 1 is a made-up profile ("Alan B."), so the bio is generic filler, not a famous person's.
      let bio = '';
      while (bio.length <= max) bio += 'Likes short round trips, small keys and long walks. ';
      const before = await memoryOf(ctx.unrecorded, [hashKeys[0]!]);
      await ctx.redis.hset(hashKeys[0]!, 'bio', bio.trim());
      const after = await memoryOf(ctx.unrecorded, [hashKeys[0]!]);
      const encAfter = await encodingOf(ctx, hashKeys[0]!);
      ctx.say(
        `Adding a ${bio.trim().length}-byte bio to user 1 crosses hash-max-listpack-value ` +
          `(${max}${limit.read ? '' : ', the default; CONFIG GET was not allowed'}): encoding ${hashEnc} → ${encAfter}, ` +
          `${formatBytes(before)} → ${formatBytes(after)}.`,
      );
      ctx.say(
        'Trade-offs: a hash field cannot have its own TTL before Redis 7.4 (HEXPIRE); a whole hash lives on one ' +
          'Cluster shard; and splitting a huge id → value mapping into many small hashes (bucketing: id 1234 goes to ' +
          'field 34 of hash bucket:12) is how large fleets keep millions of small values in listpack form.',
      );
    },
  },
  {
    id: 'ex-hash-create',
    kind: 'exercise',
    points: 2,
    setup: HASH_CREATE_SETUP,
    check: all(
      oneHashWrite('user:2001', { name: 'Linus', city: 'Helsinki', karma: '10' }, retyped(HASH_CREATE_SETUP)),
      hashHas('user:2001', { name: 'Linus', city: 'Helsinki', karma: '10' }),
      lengthIs('user:2001', 3),
    ),
    hints: ['One command can set several fields of a hash at once.', 'HSET key field value [field value …]'],
    solution: ['HSET {ns}user:2001 name Linus city Helsinki karma 10'],
    wrong: [
      ['HSET {ns}user:2001 name Linus', 'HSET {ns}user:2001 city Helsinki', 'HSET {ns}user:2001 karma 10'],
      // The layout the memory step measured against: one string key per field.
      ['MSET {ns}user:2001:name Linus {ns}user:2001:city Helsinki {ns}user:2001:karma 10'],
      // JSON in a string: one key, but Redis cannot change one field of it.
      [`SET {ns}user:2001 '{"name":"Linus","city":"Helsinki","karma":10}'`],
    ],
  },
  {
    id: 'ex-hash-update',
    kind: 'exercise',
    points: 3,
    setup: HASH_UPDATE_SETUP,
    check: all(
      hashHas('user:2002', { name: 'Margaret', karma: '42' }),
      hashLacks('user:2002', 'reset_token'),
      writtenOnlyBy(
        'user:2002',
        'KEY changed in place: HINCRBY on karma, HDEL of reset_token',
        (c) => ((c.name === 'HINCRBY' || c.name === 'HINCRBYFLOAT') && c.args[2] === 'karma') || c.name === 'HDEL',
        (c) =>
          (c.name === 'HSET' || c.name === 'HMSET' || c.name === 'HSETNX') && c.args.slice(2).includes('karma')
            ? `you set karma with ${c.command}: a value computed in the client, so a point earned meanwhile is lost`
            : `you rewrote the hash (${c.command}) instead of changing one field in place`,
        retyped(HASH_UPDATE_SETUP),
      ),
    ),
    hints: [
      'Reading 41 and writing 42 back can lose a concurrent update; one command can add to a field in place. Another removes a field.',
      'HINCRBY key field increment, then HDEL key field',
    ],
    solution: ['HINCRBY {ns}user:2002 karma 1', 'HDEL {ns}user:2002 reset_token'],
    wrong: [
      ['HGET {ns}user:2002 karma', 'HSET {ns}user:2002 karma 42', 'HDEL {ns}user:2002 reset_token'],
      // An empty value is still a field.
      ['HINCRBY {ns}user:2002 karma 1', 'HSET {ns}user:2002 reset_token ""'],
      // Rewriting the whole hash to drop one field.
      ['HINCRBY {ns}user:2002 karma 1', 'DEL {ns}user:2002', 'HSET {ns}user:2002 name Margaret karma 42'],
    ],
  },
];
