// Feature flags: a hash flag → percentage plus an allow-list set per flag, the rollout bucket computed in the client,
// and two exercises: a flag for an allow-list only, and a rollout raised without touching anything else.
import { custom, writesTo } from '../../engine/checks.js';
import { expanded, fresh } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import type { LessonContext } from '../../engine/types.js';
import { isEnabled, rolloutBucket, setFlag } from '../../patterns/index.js';
import { allowList, FLAGS } from './shared.js';

type Verdict = { pass: boolean; actual: string };

const BETA = 'beta-search';
const BETA_ALLOW = ['u-7', 'u-9'];
const CHECKOUT = 'new-checkout';
const CHECKOUT_ALLOW = ['u-1', 'u-2'];

/** flag-allow: the library's own reader says u-7 and u-9 get beta-search and u-3 does not; dark-mode is untouched. */
async function allowListed(ctx: LessonContext): Promise<Verdict> {
  const flags = ctx.key(FLAGS);
  const allow = ctx.key(allowList(BETA));
  if ((await ctx.unrecorded.type(flags)) !== 'hash') return { pass: false, actual: `${flags} is not a hash any more` };
  const [pct, dark] = await ctx.unrecorded.hmget(flags, BETA, 'dark-mode');
  if (dark !== '100') return { pass: false, actual: `dark-mode = ${JSON.stringify(dark)}: the other flag must stay at 100` };
  const on = await Promise.all(['u-7', 'u-9', 'u-3'].map((u) => isEnabled(ctx.unrecorded, flags, BETA, u)));
  if (pct === null) {
    return {
      pass: false,
      actual: `${flags} has no field ${BETA}: an unknown flag is off for everyone, allow-list or not (isEnabled reads the hash first)`,
    };
  }
  if (pct !== '0') return { pass: false, actual: `${BETA} = ${JSON.stringify(pct)}: at 0 % only the allow-list gets it` };
  const allowType = await ctx.unrecorded.type(allow);
  if (allowType !== 'set' && allowType !== 'none') return { pass: false, actual: `${allow} is a ${allowType}: SISMEMBER needs a set` };
  const members = (await ctx.unrecorded.smembers(allow)).sort();
  const missing = BETA_ALLOW.filter((u) => !members.includes(u));
  if (missing.length) {
    return {
      pass: false,
      actual: `${missing.join(' and ')} ${missing.length === 1 ? 'does' : 'do'} not get ${BETA}: ${allow} holds {${members.join(', ')}}`,
    };
  }
  const extra = members.filter((u) => !BETA_ALLOW.includes(u));
  if (extra.length) return { pass: false, actual: `${allow} also lets in ${extra.join(', ')}` };
  if (!on[0] || !on[1] || on[2]) return { pass: false, actual: `isEnabled says u-7 ${on[0]}, u-9 ${on[1]}, u-3 ${on[2]}` };
  return { pass: true, actual: `${BETA} = 0 in ${flags}; isEnabled: u-7 on, u-9 on, u-3 off` };
}

/** flag-rollout: new-checkout at 25, dark-mode and the allow-list untouched, and the hash changed, not rebuilt. */
async function rolledOut(ctx: LessonContext): Promise<Verdict> {
  const flags = ctx.key(FLAGS);
  const allow = ctx.key(allowList(CHECKOUT));
  if ((await ctx.unrecorded.type(flags)) !== 'hash') return { pass: false, actual: `${flags} is gone` };
  const all = await ctx.unrecorded.hgetall(flags);
  if (all['dark-mode'] !== '100') {
    return {
      pass: false,
      actual: `dark-mode = ${JSON.stringify(all['dark-mode'] ?? null)}: changing one flag must leave the others alone`,
    };
  }
  const members = (await ctx.unrecorded.type(allow)) === 'set' ? (await ctx.unrecorded.smembers(allow)).sort() : [];
  if (members.join(',') !== CHECKOUT_ALLOW.join(',')) {
    return { pass: false, actual: `${allow} = {${members.join(', ')}}: the testers u-1 and u-2 lost the flag` };
  }
  const pct = all[CHECKOUT];
  if (pct !== '25') {
    return {
      pass: false,
      actual: `${CHECKOUT} = ${JSON.stringify(pct ?? null)}${pct !== undefined && Number.isNaN(Number(pct)) ? ': not a number, so no user would match' : ''}`,
    };
  }
  const rebuilt = writesTo(ctx, flags).find((c) => /^(DEL|UNLINK|RENAME|RESTORE|COPY)$/.test(c.name));
  if (rebuilt) {
    return {
      pass: false,
      actual: `${rebuilt.command}: you rebuilt the flag hash to change one field; every other flag had to be typed again, and one a colleague changed meanwhile would be overwritten (:reset to start over)`,
    };
  }
  return { pass: true, actual: `${CHECKOUT} = 25, dark-mode = 100, allow-list {${members.join(', ')}}` };
}

export const flagSteps: StepSpec[] = [
  {
    id: 'flags-library',
    kind: 'code',
    async run(ctx) {
      const flags = ctx.key(FLAGS);
      await ctx.claim([flags, ctx.key(allowList(CHECKOUT))]);
      await ctx.unrecorded.unlink(flags, ctx.key(allowList(CHECKOUT)));
      await setFlag(ctx.redis, flags, CHECKOUT, { percentage: 20, allow: ['u-qa'] });
      await isEnabled(ctx.redis, flags, CHECKOUT, 'u-1');
      const users = ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-qa'];
      const at20 = await Promise.all(users.map((u) => isEnabled(ctx.unrecorded, flags, CHECKOUT, u)));
      await setFlag(ctx.redis, flags, CHECKOUT, { percentage: 50 });
      const at50 = await Promise.all(users.map((u) => isEnabled(ctx.unrecorded, flags, CHECKOUT, u)));
      ctx.table(
        ['user', 'bucket (0–9999)', 'allow-list', 'at 20 %', 'at 50 %'],
        users.map((u, i) => [u, rolloutBucket(CHECKOUT, u), u === 'u-qa' ? 'yes' : '-', at20[i] ? 'on' : 'off', at50[i] ? 'on' : 'off']),
      );
      let inside = 0;
      for (let i = 0; i < 10_000; i++) if (rolloutBucket(CHECKOUT, `user-${i}`) < 2000) inside++;
      ctx.say(
        `of 10,000 made-up users, ${inside.toLocaleString('en-US')} fall under 2000 (the 20 % line): the hash spreads them evenly, with no per-user state in Redis`,
      );
    },
  },
  {
    id: 'flag-allow',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [FLAGS, allowList(BETA)], async (k) => {
        await ctx.unrecorded.hset(k(FLAGS), 'dark-mode', '100');
      }),
    check: expanded(custom(`${BETA} = 0 in {ns}${FLAGS}, {ns}${allowList(BETA)} = {u-7, u-9}, dark-mode kept`, allowListed)),
    hints: [
      'Two keys: the percentage is a field of the flags hash; the allow-list is a set of its own, named after the flag.',
      `HSET {ns}${FLAGS} ${BETA} 0   ·   SADD {ns}${allowList(BETA)} u-7 u-9   (in one MULTI, as setFlag does, if you like)`,
    ],
    solution: ['MULTI', `HSET {ns}${FLAGS} ${BETA} 0`, `SADD {ns}${allowList(BETA)} u-7 u-9`, 'EXEC'],
    wrong: [
      // The flag without its allow-list: nobody gets it.
      [`HSET {ns}${FLAGS} ${BETA} 0`],
      // The allow-list without the flag: an unknown flag is off for everyone.
      [`SADD {ns}${allowList(BETA)} u-7 u-9`],
      // One member missing.
      [`HSET {ns}${FLAGS} ${BETA} 0`, `SADD {ns}${allowList(BETA)} u-7`],
    ],
  },
  {
    id: 'flag-rollout',
    kind: 'exercise',
    points: 2,
    setup: (ctx) =>
      fresh(ctx, [FLAGS, allowList(CHECKOUT)], async (k) => {
        await ctx.unrecorded.hset(k(FLAGS), { [CHECKOUT]: '10', 'dark-mode': '100' });
        await ctx.unrecorded.sadd(k(allowList(CHECKOUT)), ...CHECKOUT_ALLOW);
      }),
    check: expanded(custom(`${CHECKOUT} = 25 in {ns}${FLAGS}; dark-mode and {ns}${allowList(CHECKOUT)} untouched`, rolledOut)),
    hints: ['One flag is one field of the hash: change that field and nothing else.', `HSET {ns}${FLAGS} ${CHECKOUT} 25`],
    solution: [`HSET {ns}${FLAGS} ${CHECKOUT} 25`],
    wrong: [
      // The hash rebuilt: dark-mode is gone.
      [`DEL {ns}${FLAGS}`, `HSET {ns}${FLAGS} ${CHECKOUT} 25`],
      // A percent sign: not a number, so no user's bucket is below it.
      [`HSET {ns}${FLAGS} ${CHECKOUT} 25%`],
      // The allow-list "reset" along with the rollout.
      [`HSET {ns}${FLAGS} ${CHECKOUT} 25`, `DEL {ns}${allowList(CHECKOUT)}`],
      // Right state, but the whole hash rewritten to get there.
      ['MULTI', `DEL {ns}${FLAGS}`, `HSET {ns}${FLAGS} ${CHECKOUT} 25 dark-mode 100`, 'EXEC'],
    ],
  },
];
