// The bulk lesson's queries: timed reads of the indexes, results kept on the server, and the exercises that ask
// the learner to build result keys server-side (top three, an intersection, a count, a weighted join, a page).
import { all, builtOnServer, custom } from '../../engine/checks.js';
import { count, expanded } from '../../engine/kit.js';
import type { StepSpec } from '../../engine/prose.js';
import { ageIndexKey, cityIndexKey, deptIndexKey, salaryIndexKey } from './lib/indexes.js';
import { same, scoredMembers, setMatches, zsetMatches } from './query-checks.js';
import { fmt } from './shared.js';

/** The engineers in Berlin among the first 1,500 users: what a learner would copy from SINTER into SADD. */
const BERLIN_ENGINEERS_1500 = [
  2, 4, 23, 26, 27, 46, 51, 140, 154, 165, 189, 196, 241, 290, 338, 341, 362, 363, 385, 432, 437, 439, 461, 487, 503, 567, 569, 588, 621,
  625, 645, 660, 723, 757, 770, 804, 806, 841, 848, 882, 914, 934, 949, 960, 983, 985, 1084, 1100, 1116, 1123, 1230, 1235, 1361, 1380, 1388,
  1438, 1450, 1470, 1478, 1484, 1499,
];

/** Commands the lesson sends and prints: what the indexes answer, and how fast. */
export const querySteps: StepSpec[] = [
  {
    id: 'queries',
    kind: 'run',
    commands: [
      'HGETALL {ns}user:42',
      'SCARD {ns}idx:city:london',
      'SMEMBERS {ns}idx:dept:legal',
      'ZRANGE {ns}idx:salary 0 9 REV WITHSCORES',
      'ZRANGE {ns}idx:age 25 29 BYSCORE LIMIT 0 5 WITHSCORES',
      'ZCOUNT {ns}idx:age 25 29',
      'SINTER {ns}idx:city:london {ns}idx:dept:sales',
      'SINTERCARD 2 {ns}idx:city:london {ns}idx:dept:sales',
    ],
  },
  {
    id: 'store-queries',
    kind: 'run',
    commands: [
      'ZINTERSTORE {ns}q:sales-pay 2 {ns}idx:salary {ns}idx:dept:sales WEIGHTS 1 0',
      'ZRANGE {ns}q:sales-pay 0 4 REV WITHSCORES',
      'EXPIRE {ns}q:sales-pay 300',
      'ZRANGESTORE {ns}q:age-25-29 {ns}idx:age 25 29 BYSCORE',
      'ZCARD {ns}q:age-25-29',
    ],
  },
];

/** The learner builds result keys on the server; near-misses (no REV, a union, fetched members) are named. */
export const queryExercises: StepSpec[] = [
  {
    id: 'top-three',
    kind: 'exercise',
    points: 2,
    check: expanded(
      all(
        zsetMatches('q:top3', 'the 3 highest salaries from {ns}idx:salary, with their scores, in {ns}q:top3', 'desc', async (ctx) =>
          ctx.unrecorded.zrange(salaryIndexKey(ctx.sb.ns), '0', '2', 'REV', 'WITHSCORES'),
        ),
        builtOnServer('q:top3', 'ZRANGESTORE', { oneCommand: true }),
      ),
    ),
    hints: [
      'A sorted set can copy a slice of itself into another key. You want the slice at the top: highest score first.',
      'ZRANGESTORE dst src start stop [REV] — ranks 0 to 2 with REV are the top three.',
    ],
    solution: ['ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2 REV'],
    wrong: [
      // Ranks count from the lowest score: without REV these are the three worst-paid.
      ['ZRANGESTORE {ns}q:top3 {ns}idx:salary 0 2'],
      // Read the top three, then type them back: the right members (for --records 1500, the authoring run), sent through the client.
      ['ZRANGE {ns}idx:salary 0 2 REV WITHSCORES', 'ZADD {ns}q:top3 181487 1153 180240 1072 175114 792'],
      // Server-side, but copying all the salaries to keep three, in two commands.
      ['COPY {ns}idx:salary {ns}q:top3', 'ZREMRANGEBYRANK {ns}q:top3 0 -4'],
    ],
  },
  {
    id: 'berlin-engineers',
    kind: 'exercise',
    points: 2,
    check: expanded(
      all(
        setMatches('q:berlin-eng', 'the ids in both {ns}idx:city:berlin and {ns}idx:dept:engineering, in {ns}q:berlin-eng', async (ctx) =>
          ctx.unrecorded.sinter(cityIndexKey(ctx.sb.ns, 'Berlin'), deptIndexKey(ctx.sb.ns, 'Engineering')),
        ),
        builtOnServer('q:berlin-eng', 'SINTERSTORE'),
      ),
    ),
    hints: [
      'The answer is the intersection of two index sets, and you want it stored rather than returned.',
      'SINTERSTORE destination key [key …]',
    ],
    solution: ['SINTERSTORE {ns}q:berlin-eng {ns}idx:city:berlin {ns}idx:dept:engineering'],
    wrong: [
      // OR instead of AND: everyone in Berlin plus every engineer.
      ['SUNIONSTORE {ns}q:berlin-eng {ns}idx:city:berlin {ns}idx:dept:engineering'],
      // Intersect on the client's screen, then type the ids back (the right ids for --records 1500, the authoring run).
      ['SINTER {ns}idx:city:berlin {ns}idx:dept:engineering', `SADD {ns}q:berlin-eng ${BERLIN_ENGINEERS_1500.join(' ')}`],
    ],
  },
  {
    id: 'thirties',
    kind: 'exercise',
    points: 2,
    check: expanded(
      custom('a ZCOUNT on {ns}idx:age that answers the number of users aged 30–39', async (ctx) => {
        const key = ageIndexKey(ctx.sb.ns);
        const want = await ctx.unrecorded.zcount(key, 30, 39);
        const ran = ctx.history.filter((c) => !c.error && c.args[1] === key);
        const named = (c: (typeof ran)[number]) => String(c.args[0]).toUpperCase();
        const counts = ran.filter((c) => named(c) === 'ZCOUNT');
        const hit = counts.find((c) => Number(c.reply) === want);
        if (hit && want > 0) return { pass: true, actual: `${hit.command} → ${want}` };
        // Name the mistake: members fetched to be counted by the client, everyone counted, or the wrong bounds.
        const fetched = ran
          .filter((c) => /^(ZRANGE|ZRANGEBYSCORE|ZREVRANGEBYSCORE|ZSCAN)$/.test(named(c)) && Array.isArray(c.reply))
          .at(-1);
        const last = counts.at(-1);
        let actual = 'no ZCOUNT on the age index yet';
        if (last) {
          actual = `${last.command} → ${String(last.reply)}, not the 30–39 count (both bounds are inclusive unless written with "(")`;
        } else if (fetched) {
          const n = (fetched.reply as unknown[]).length;
          actual = `${fetched.command} sent ${count(n, 'member')} to your client to be counted there: ZCOUNT answers with the number alone, in O(log N)`;
        } else if (ran.some((c) => named(c) === 'ZCARD')) {
          actual = 'ZCARD counts every user in the index, not the 30–39s';
        }
        return { pass: false, actual };
      }),
    ),
    hints: [
      'The ages are the scores of {ns}idx:age; a count of a score range is O(log N) — no members need to move.',
      'ZCOUNT key min max — both bounds are inclusive unless written as (min.',
    ],
    solution: ['ZCOUNT {ns}idx:age 30 39'],
    wrong: [
      // The members come back and the client counts them: the reply grows with the answer.
      ['ZRANGE {ns}idx:age 30 39 BYSCORE'],
      ['ZRANGEBYSCORE {ns}idx:age 30 39'],
      // "(39" leaves out the 39-year-olds.
      ['ZCOUNT {ns}idx:age 30 (39'],
      ['ZCARD {ns}idx:age'],
    ],
  },
  {
    id: 'berlin-pay',
    kind: 'exercise',
    points: 3,
    check: expanded(
      custom('{ns}q:berlin-pay = the members of {ns}idx:city:berlin scored by their {ns}idx:salary score', async (ctx) => {
        const ns = ctx.sb.ns;
        const key = ctx.key('q:berlin-pay');
        const ids = await ctx.unrecorded.smembers(cityIndexKey(ns, 'Berlin'));
        const p = ctx.unrecorded.pipeline();
        for (const id of ids) p.zscore(salaryIndexKey(ns), id);
        const scores = ((await p.exec()) ?? []).map((r) => r[1] as string | null);
        const want = ids.map((id, i) => `${id}:${Number(scores[i])}`).sort();
        const type = await ctx.unrecorded.type(key);
        if (type !== 'zset') return { pass: false, actual: type === 'none' ? `${key} does not exist` : `${key} is a ${type}` };
        const got = scoredMembers(await ctx.unrecorded.zrange(key, '0', '-1', 'WITHSCORES'));
        let actual = `${key} has ${count(got.length, 'member')} (want ${fmt(want.length)})`;
        if (got.length > want.length)
          actual += ': more than Berlin — ZUNIONSTORE takes everyone in either key, ZINTERSTORE only those in both';
        const wrong = got.find((g, i) => g !== want[i]);
        if (got.length === want.length && wrong) {
          const [id, score] = wrong.split(':');
          const salary = Number(want.find((w) => w.startsWith(`${id}:`))?.split(':')[1]);
          const why =
            Number(score) === salary + 1
              ? ": salary + 1 — the Berlin set's score of 1 was added; WEIGHTS 1 0 multiplies it by 0"
              : Number(score) === 1 || Number(score) === 0
                ? ': the salary was multiplied away — the weights go in the order of the keys (salary index first)'
                : '';
          actual = `user ${id} scored ${score}, but the salary is ${Number.isFinite(salary) ? salary : '?'}${why}`;
        }
        return { pass: want.length > 0 && same(got, want), actual };
      }),
    ),
    hints: [
      'Intersect the salary index with the Berlin set. A plain set counts as a sorted set whose scores are all 1 — and by default the scores are added.',
      "ZINTERSTORE destination numkeys key [key …] WEIGHTS w1 w2 — a weight of 0 cancels the set's score.",
    ],
    solution: ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 1 0'],
    wrong: [
      // The default SUM adds the set's score of 1 to every salary.
      ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin'],
      // The weights in the wrong order: the salaries are multiplied by 0.
      ['ZINTERSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 0 1'],
      // A union keeps every employee, not only Berlin's.
      ['ZUNIONSTORE {ns}q:berlin-pay 2 {ns}idx:salary {ns}idx:city:berlin WEIGHTS 1 0'],
    ],
  },
  {
    id: 'page-two',
    kind: 'exercise',
    points: 2,
    check: expanded(
      custom('entries 11–20 of the users aged 40–49 (by age, equal ages in member order), in {ns}q:age40s-p2', async (ctx) => {
        // Name the usual LIMIT slips first: page 1 again, or "LIMIT 10 20" read as a range.
        const key = ctx.key('q:age40s-p2');
        const idx = ageIndexKey(ctx.sb.ns);
        const got = (await ctx.unrecorded.type(key)) === 'zset' ? await ctx.unrecorded.zrange(key, '0', '-1') : [];
        if (got.length && same(got, await ctx.unrecorded.zrange(idx, '40', '49', 'BYSCORE', 'LIMIT', '0', '10'))) {
          return { pass: false, actual: `${key} holds page 1 (entries 1–10): page 2 skips the first 10, LIMIT 10 10` };
        }
        if (got.length > 10) {
          return {
            pass: false,
            actual: `${key} holds ${count(got.length, 'entry', 'entries')}: LIMIT takes an offset and a count (LIMIT 10 10), not a range`,
          };
        }
        const ages = got.length ? (await ctx.unrecorded.zmscore(key, ...got)).map(Number) : [];
        if (ages.some((a) => a < 40 || a > 49)) {
          return {
            pass: false,
            actual: `${key} holds ages ${Math.min(...ages)}–${Math.max(...ages)}: without BYSCORE the numbers are ranks, not ages`,
          };
        }
        const r = await zsetMatches('q:age40s-p2', '', 'asc', async () =>
          ctx.unrecorded.zrange(idx, '40', '49', 'BYSCORE', 'LIMIT', '10', '10', 'WITHSCORES'),
        )(ctx);
        return { pass: r.pass, actual: r.actual };
      }),
    ),
    hints: [
      'Select by score (the age), then skip one page and take one page — and store instead of returning.',
      'ZRANGESTORE dst src min max BYSCORE LIMIT offset count',
    ],
    solution: ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 10 10'],
    wrong: [
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 0 10'],
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 40 49 BYSCORE LIMIT 10 20'],
      // Ranks 10–19 of the whole index: page 2 of everyone, youngest first, not of the 40–49s.
      ['ZRANGESTORE {ns}q:age40s-p2 {ns}idx:age 10 19'],
    ],
  },
];
